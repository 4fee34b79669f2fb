import torch

from painters.checkpoints import loading
from painters.families import autoregressive
from painters.families.shared import to_tensor
from painters.measure import evidence, gallery, metrics
from painters.site import figures

# What the equal-compute retrain aimed for (reported, not gates), and what this build measures.
# Every number is the protocol's (metrics.py), with its 90% interval.
gan, diffusion = evidence.report("gan"), evidence.report("diffusion")
sharp_gan, sharp_diffusion = evidence.reading(gan, "sharpness_ratio"), evidence.reading(diffusion, "sharpness_ratio")
fd_gan, fd_diffusion = evidence.reading(gan, "frechet"), evidence.reading(diffusion, "frechet")

# The autoregressive painter's tokenizer: real renders cut into tokens and rebuilt from them.
model, _ = loading.load_model("autoregressive")
scenes, n = metrics.groups()["trained"]
real = gallery.reference(scenes, n)
with torch.no_grad():
    ids, _ = model.tokenizer.encode(to_tensor(real))
rebuilt = autoregressive.decode_tokens(model, ids)
tokenizer_sharpness = metrics.sharpness(rebuilt) / metrics.sharpness(real)

rows = [
    ("GAN sharpness ratio at least diffusion's", f"GAN {sharp_gan.text()}, diffusion {sharp_diffusion.text()}",
     "met" if not sharp_gan.below(sharp_diffusion) else "missed"),
    ("GAN Frechet distance within twice diffusion's", f"GAN {fd_gan.text('{:.1f}')}, twice diffusion's "
     f"{2 * fd_diffusion.value:.1f}", "met" if fd_gan.value <= 2 * fd_diffusion.value else "missed"),
    ("the autoregressive tokenizer's rebuilds at least 0.6 as sharp as real renders", f"{tokenizer_sharpness:.2f}",
     "met" if tokenizer_sharpness >= 0.6 else "missed"),
]  # fmt: skip
print(figures.table(rows, ["aim", "measured", ""], stack=True))  # a card each on a phone
