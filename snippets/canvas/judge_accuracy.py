import numpy as np

from painters import canvas
from painters.measure import judge
from painters.site import figures

scenes = list(canvas.ALL_SCENES) * 4  # every scene, four fresh renders each
images, layouts = canvas.render_many_with_layout(scenes, seed=20_000)  # a seed the judge never saw
readings = judge.read(images)

rows = []
for name in canvas.ATTRIBUTES:
    right = np.mean([seen == getattr(s, name) for seen, s in zip(readings.names[name], scenes, strict=True)])
    rows.append((name, len(scenes), figures.percent(float(right))))
print(figures.table(rows, ["attribute", "fresh renders", "judge accuracy"]))

error = np.abs(readings.layout - layouts).mean(axis=0)  # how far off its layout reading is, on average
rows = [(field, f"{e:.2f}") for field, e in zip(canvas.LAYOUT_FIELDS, error, strict=True)]
print(figures.table(rows, ["layout", "mean error (pixels; size: a factor; facing: -1 or 1)"]))
