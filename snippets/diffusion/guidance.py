import time

import numpy as np

from painters import figures, judge, training, world

started = time.perf_counter()
scenes = world.HELD_OUT  # the hard case: combinations the painter never saw

rows, strips = [], []
for scale in (1.0, 2.0, 3.0, 5.0):  # 1 = no guidance: the prompt-conditioned prediction alone
    images = [training.paint("diffusion", s.prompt, n=32, seed=2, guidance=scale) for s in scenes]
    match = np.mean([judge.prompt_match(x, s)["all four"] for x, s in zip(images, scenes, strict=True)])
    diversity = np.mean([judge.pixel_diversity(x) / judge.pixel_diversity(world.render_many([s] * 32, 9))
                         for x, s in zip(images, scenes, strict=True)])  # fmt: skip
    rows.append((scale, figures.percent(float(match)), f"{diversity:.2f}"))
    strips.append(np.concatenate([x[:2] for x in images]))
alt = "Diffusion samples of the four held-out prompts at guidance 1, 2, 3 and 5, one row per scale"
print(figures.image_grid(np.concatenate(strips), alt=alt, columns=8))
print(figures.table(rows, ["guidance scale", "prompt match (all four), held-out", "diversity ratio vs real"]))
print(figures.provenance("diffusion", seed=2, started=started))
