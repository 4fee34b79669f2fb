import time

import numpy as np

from painters import figures, judge, training, world

started = time.perf_counter()
scene = world.parse_prompt(world.SHARED_PROMPT)
reals = world.render_prompt(world.SHARED_PROMPT, n=64, seed=7)

rows, strips = [], []
for scale in (1.0, 2.0, 3.0, 5.0):  # 1 = no guidance: the prompt-conditioned prediction alone
    images = training.paint("diffusion", world.SHARED_PROMPT, n=64, seed=2, guidance=scale)
    diversity = judge.pixel_diversity(images) / judge.pixel_diversity(reals)
    rows.append((scale, figures.percent(judge.prompt_match(images, scene)["all four"]), f"{diversity:.2f}"))
    strips.append(images[:8])
print(
    figures.image_grid(
        np.concatenate(strips), alt="Diffusion samples at guidance 1, 2, 3 and 5, one row each", columns=8
    )
)
print(figures.table(rows, ["guidance scale", "prompt match (all four)", "diversity ratio vs real"]))
print(figures.provenance("diffusion", seed=2, started=started))
