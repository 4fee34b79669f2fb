import time

import numpy as np

from painters import figures, judge, world

started = time.perf_counter()

scenes = list(world.ALL_SCENES) * 4  # every scene, four fresh renders each
images = world.render_many(scenes, seed=20_000)  # a seed the judge never trained on
readings = judge.read(images)

rows = []
for name in world.ATTRIBUTES:
    right = np.mean([seen == getattr(s, name) for seen, s in zip(readings.names[name], scenes, strict=True)])
    rows.append((name, len(scenes), figures.percent(float(right))))
print(figures.table(rows, ["attribute", "fresh renders", "judge accuracy"]))
print(figures.provenance("judge", seed=20000, started=started))
