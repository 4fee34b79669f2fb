import numpy as np
import torch

from painters import canvas
from painters.checkpoints import loading
from painters.families import diffusion, shared
from painters.site import figures

model, _ = loading.load_model("diffusion")
tokens = torch.tensor([canvas.encode(canvas.SHARED_PROMPT)] * 4)
path = diffusion.ddim_trajectory(model, tokens, steps=10, guidance=model.config.guidance,
                                 generator=torch.Generator().manual_seed(0))  # fmt: skip

# For one sample: the noisy picture xt at each step, and the clean picture x0 the model predicts from it.
noisy = shared.to_pixels(torch.stack([xt[0] for _, xt, _ in path]))
clean = shared.to_pixels(torch.stack([x0[0] for _, _, x0 in path]))
alt = "Reverse diffusion, step by step: the noisy picture, and the clean picture predicted from it"
print(figures.image_grid(np.concatenate([noisy, clean]), alt=alt, columns=len(path),
                         row_labels=["noisy x_t", "predicted x_0"],
                         column_labels=[f"t={t}" for t, _, _ in path]))  # fmt: skip
