import time

import torch

from painters import autoregressive, figures, nn, training

started = time.perf_counter()
model, _ = training.load_model("autoregressive")
K = model.config.codebook

# Decode a grid filled with one token k, and keep its centre 4x4 patch: what token k "looks like".
with torch.no_grad():
    grids = torch.arange(K)[:, None].expand(K, autoregressive.LENGTH)
    patches = nn.to_pixels(model.tokenizer.decode(grids))[:, 14:18, 14:18]
print(
    figures.image_grid(
        patches, alt=f"The visual codebook: all {K} tokens, each shown as a 4x4 patch", columns=32, width=640
    )
)
print(figures.provenance("autoregressive", seed=None, started=started))
