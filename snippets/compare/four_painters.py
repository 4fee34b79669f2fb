import numpy as np

from painters import canvas
from painters.families import registry
from painters.measure import gallery
from painters.site import figures

prompt = canvas.SHARED_PROMPT
rows = [canvas.render_prompt(prompt, n=8, seed=0)]  # real renders on top
rows += [gallery.paint(family, prompt, n=8, seed=0) for family in registry.painters()]  # same seed each

labels = ["real renders", *(registry.get(f).label for f in registry.painters())]
alt = f"'{prompt}': eight real renders, then eight pictures from each painter"
print(figures.image_grid(np.concatenate(rows), alt=alt, columns=8, row_labels=labels))
