import numpy as np

from painters import canvas
from painters.measure import gallery
from painters.site import figures

# One prompt, eight pictures: where does each painter put things? Real renders on top.
scene = canvas.Scene("boat", "blue", "snow", "noon")
rows = [canvas.render_prompt(scene.prompt, 8, seed=4)]
rows += [gallery.paint(f, scene.prompt, 8, seed=4) for f in ("gan", "diffusion")]
alt = f"'{scene.prompt}': real renders, GAN pictures and diffusion pictures, eight each"
print(figures.image_grid(np.concatenate(rows), alt=alt, columns=8, row_labels=["real", "GAN", "Diffusion"]))
