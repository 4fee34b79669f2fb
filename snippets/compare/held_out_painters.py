import numpy as np

from painters import canvas
from painters.families import registry
from painters.measure import gallery
from painters.site import figures

rows, labels = [], []
for scene in canvas.HELD_OUT:  # combinations no painter saw in training
    rows += [canvas.render_prompt(scene.prompt, n=4, seed=0)]
    rows += [gallery.paint(family, scene.prompt, n=4, seed=0) for family in registry.painters()]
    labels += [f"real: {scene.colour} {scene.object}, {scene.place}, {scene.time}"]
    labels += [registry.get(f).label for f in registry.painters()]
alt = "The four held-out prompts: real renders, then four pictures from each painter"
print(figures.image_grid(np.concatenate(rows), alt=alt, columns=4, row_labels=labels))
