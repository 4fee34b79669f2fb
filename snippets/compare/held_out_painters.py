import time

import numpy as np

from painters import figures, training, world

started = time.perf_counter()
scene = world.HELD_OUT[0]  # a combination no painter saw in training
rows = [world.render_prompt(scene.prompt, n=8, seed=0)]
rows += [training.paint(family, scene.prompt, n=8, seed=0) for family in training.FAMILIES]

alt = f"'{scene.prompt}', a held-out prompt: real renders, then GAN, VAE, diffusion and autoregressive samples"
caption = f"{scene.prompt}. Rows: real, GAN, VAE, diffusion, autoregressive."
print(figures.image_grid(np.concatenate(rows), alt=alt, columns=8, caption=caption))
print(figures.provenance(None, seed=0, started=started))
