import numpy as np

from painters import canvas
from painters.checkpoints import loading
from painters.families import vae
from painters.measure import metrics
from painters.site import figures

model, _ = loading.load_model("vae")
scenes = list(canvas.TRAIN_SCENES[::18])  # eight real scenes
originals = canvas.render_many(scenes, seed=4)
rebuilt = vae.reconstruct(model, originals, [s.prompt for s in scenes])  # encoder -> mean z -> decoder

alt = "Eight real scenes, and the VAE's rebuilds of them"
print(figures.image_grid(np.concatenate([originals, rebuilt]), alt=alt, columns=8, row_labels=["real", "rebuilt"]))
ratio = metrics.sharpness(rebuilt) / metrics.sharpness(originals)
print(f"<p>Sharpness of the rebuilds: <strong>{ratio:.2f}</strong> of the originals'.</p>")
