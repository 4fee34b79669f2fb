import torch

from painters.checkpoints import loading
from painters.families import autoregressive, shared
from painters.site import figures

model, _ = loading.load_model("autoregressive")
K = model.config.codebook

# Decode a grid filled with one token k, and keep its centre 4x4 patch: what token k "looks like".
with torch.no_grad():
    grids = torch.arange(K)[:, None].expand(K, autoregressive.LENGTH)
    patches = shared.to_pixels(model.tokenizer.decode(grids))[:, 14:18, 14:18]
alt = f"The visual codebook: all {K} tokens, each shown as a 4x4 patch"
rows = [f"tokens {k}-{k + 31}" for k in range(0, K, 32)]
print(figures.image_grid(patches, alt=alt, columns=32, row_labels=rows))
