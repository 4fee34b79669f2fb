import time

import numpy as np

from painters import figures, training, world

started = time.perf_counter()
prompt = world.SHARED_PROMPT
rows = [world.render_prompt(prompt, n=8, seed=0)]  # real renders on top
rows += [training.paint(family, prompt, n=8, seed=0) for family in training.FAMILIES]  # same seed each

alt = (
    f"'{prompt}': eight real renders, then eight samples each from the GAN, VAE, diffusion and autoregressive painters"
)
caption = "Rows, top to bottom: real renders, GAN, VAE, diffusion, autoregressive."
print(figures.image_grid(np.concatenate(rows), alt=alt, columns=8, caption=caption))
print(figures.provenance(None, seed=0, started=started))
