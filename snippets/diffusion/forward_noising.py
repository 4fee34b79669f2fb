import torch

from painters import canvas
from painters.families import diffusion, shared
from painters.site import figures

x0 = shared.to_tensor(canvas.render_prompt(canvas.SHARED_PROMPT, n=1, seed=0))  # one clean picture, in [-1, 1]
eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(0))  # one draw of noise
steps = [0, 100, 200, 350, 500, 650, 800, 1000]

# xt = sqrt(alpha_bar) x0 + sqrt(1 - alpha_bar) eps, for growing t
xt = torch.cat([diffusion.q_sample(x0, torch.tensor([t]), eps, timesteps=1000) for t in steps])
alt = "The shared prompt's scene dissolving into static as t grows from 0 to 1000"
print(figures.image_grid(shared.to_pixels(xt), alt=alt, columns=len(steps), column_labels=[f"t={t}" for t in steps]))
