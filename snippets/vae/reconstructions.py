import time

import numpy as np

from painters import figures, judge, training, vae, world

started = time.perf_counter()
model, _ = training.load_model("vae")
scenes = list(world.TRAIN_SCENES[::18])  # eight real scenes
originals = world.render_many(scenes, seed=4)
rebuilt = vae.reconstruct(model, originals, [s.prompt for s in scenes])  # encoder -> mean z -> decoder

print(
    figures.image_grid(
        np.concatenate([originals, rebuilt]), alt="Eight real scenes above, the VAE's rebuilds below", columns=8
    )
)
ratio = judge.sharpness(rebuilt) / judge.sharpness(originals)
print(f"<p>Sharpness of the rebuilds: <strong>{ratio:.2f}</strong> of the originals'.</p>")
print(figures.provenance("vae", seed=4, started=started))
