import time

import numpy as np
import torch

from painters import diffusion, figures, judge, nn, training, world

started = time.perf_counter()
model, _ = training.load_model("diffusion")
scene = world.parse_prompt(world.SHARED_PROMPT)
tokens = torch.tensor([world.encode(world.SHARED_PROMPT)] * 64)
path = diffusion.ddim_trajectory(model, tokens, steps=10, guidance=3.0, generator=torch.Generator().manual_seed(0))

# Top row: the noisy image xt at each step; bottom row: the clean image x0 the model predicts from it.
strip = np.concatenate([nn.to_pixels(torch.stack([xt[0] for _, xt, _ in path])),
                        nn.to_pixels(torch.stack([x0[0] for _, _, x0 in path]))])  # fmt: skip
print(
    figures.image_grid(
        strip, alt="Reverse diffusion: noisy images above, predicted clean images below", columns=len(path)
    )
)

rows = []  # what the judge reads in the predicted x0, over 64 samples, at every step
for t, _, x0 in path:
    match = judge.prompt_match(nn.to_pixels(x0), scene)
    rows.append((t, *(figures.percent(match[k]) for k in ("place", "time", "object", "colour", "all four"))))
print(figures.table(rows, ["t", "place", "time", "object", "colour", "all four"]))
print(figures.provenance("diffusion", seed=0, started=started))
