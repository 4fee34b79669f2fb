import time

import numpy as np
import torch

from painters import autoregressive, figures, training, world

started = time.perf_counter()
model, _ = training.load_model("autoregressive")
prompt = torch.tensor([world.encode(world.SHARED_PROMPT)] * 4)
ids = autoregressive.sample_tokens(model, prompt, torch.Generator().manual_seed(0))

# The same four samples after 8, 16, 32 and all 64 tokens (unwritten rows stay grey).
steps = (8, 16, 32, 64)
rows = [autoregressive.decode_tokens(model, ids[:, :n]) for n in steps]
images = np.stack(rows, axis=1).reshape(-1, 32, 32, 3)  # sample by sample, left to right
alt = "Four autoregressive samples, each shown after 8, 16, 32 and 64 tokens"
print(figures.image_grid(images, alt=alt, columns=len(steps), caption=f"columns: after {steps} tokens"))
print(figures.provenance("autoregressive", seed=0, started=started))
