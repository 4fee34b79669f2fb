import time

import numpy as np
import torch

from painters import diffusion, figures, judge, nn, training, world

started = time.perf_counter()
model, _ = training.load_model("diffusion")
scene = world.parse_prompt(world.SHARED_PROMPT)
tokens = torch.tensor([world.encode(world.SHARED_PROMPT)] * 64)
guidance = model.config.guidance  # the scale the painter samples with
path = diffusion.ddim_trajectory(model, tokens, steps=10, guidance=guidance, generator=torch.Generator().manual_seed(0))

# Top row: the noisy image xt at each step; bottom row: the clean image x0 the model predicts from it.
strip = np.concatenate([nn.to_pixels(torch.stack([xt[0] for _, xt, _ in path])),
                        nn.to_pixels(torch.stack([x0[0] for _, _, x0 in path]))])  # fmt: skip
print(
    figures.image_grid(
        strip, alt="Reverse diffusion: noisy images above, predicted clean images below", columns=len(path)
    )
)

real = world.render_prompt(world.SHARED_PROMPT, n=64, seed=8)
rows = []  # what the judge reads in the predicted x0 (64 samples) at every step, and how crisp it is
for t, _, x0 in path:
    pixels = nn.to_pixels(x0)
    match = judge.prompt_match(pixels, scene)
    sharp = judge.sharpness(pixels) / judge.sharpness(real)
    rows.append((t, *(figures.percent(match[k]) for k in ("place", "time", "object", "colour")), f"{sharp:.2f}"))
print(figures.table(rows, ["t", "place", "time", "object", "colour", "sharpness vs real"]))
settled = next(rows[i][0] for i in range(len(rows)) if all(r == "100%" for row in rows[i:] for r in row[1:5]))
print(
    f"<p>From t = {settled} on, the judge reads every attribute right in every sample, while sharpness "
    f"still climbs from {rows[1][-1]} of real at t = {rows[1][0]} to {rows[-1][-1]} at t = 0.</p>"
)
print(figures.provenance("diffusion", seed=0, started=started))
