import time

import torch

from painters import autoregressive, figures, training, world

started = time.perf_counter()
model, _ = training.load_model("autoregressive")
prompt = torch.tensor([world.encode(world.SHARED_PROMPT)] * 64)
free = autoregressive.sample_tokens(model, prompt, torch.Generator().manual_seed(5))

rows = []
for position in (2, 16, 32, 60):  # force one token wrong, keep every random draw the same
    wrong = int((free[0, position] + model.config.codebook // 2) % model.config.codebook)
    forced = autoregressive.sample_tokens(model, prompt, torch.Generator().manual_seed(5), forced={position: wrong})
    after = slice(position + 1, autoregressive.LENGTH)
    changed = (forced[:, after] != free[:, after]).float().mean().item()
    rows.append((position, autoregressive.LENGTH - position - 1, figures.percent(changed)))
print(figures.table(rows, ["forced position", "tokens after it", "of those, changed"]))
print(figures.provenance("autoregressive", seed=5, started=started))
