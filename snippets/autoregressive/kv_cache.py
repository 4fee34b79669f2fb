import time

import torch

from painters import autoregressive, figures, training, world

started = time.perf_counter()
model, _ = training.load_model("autoregressive")
prompt = torch.tensor([world.encode(world.SHARED_PROMPT)] * 8)

rows = []
for length in (8, 16, 32, 64):
    times = []
    for cache in (True, False):
        t0 = time.perf_counter()
        autoregressive.sample_tokens(model, prompt, torch.Generator().manual_seed(0), length=length, use_cache=cache)
        times.append((time.perf_counter() - t0) / len(prompt) * 1000)
    cells = (f"{times[0]:.1f} ms", f"{times[1]:.1f} ms", f"{times[1] / times[0]:.1f}x")
    rows.append((length, *(figures.measured(c) for c in cells)))
print(figures.table(rows, ["tokens", "with KV cache", "without", "cache speed-up"]))
print(figures.provenance("autoregressive", seed=0, started=started))
