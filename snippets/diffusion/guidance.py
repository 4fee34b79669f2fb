import time

import numpy as np

from painters import figures, judge, training, world

started = time.perf_counter()
scenes = world.HELD_OUT  # the hard case: combinations the painter never saw
reals = [world.render_many([s] * 32, 9) for s in scenes]
# Two sets of real renders, compared the same way: the best Frechet distance 32 samples a prompt allow.
floor = judge.compare([world.render_many([s] * 32, 10) for s in scenes], reals, scenes).frechet

rows, strips = [], []
for scale in (1.0, 2.0, 3.0, 5.0):  # 1 = no guidance: the prompt-conditioned prediction alone
    images = [training.paint("diffusion", s.prompt, n=32, seed=2, guidance=scale) for s in scenes]
    m = judge.compare(images, reals, scenes)
    rows.append(
        (scale, figures.percent(m.prompt_match["all four"]), f"{m.pixel_diversity_ratio:.2f}", f"{m.frechet:.1f}")
    )
    strips.append(np.concatenate([x[:2] for x in images]))
alt = "Diffusion samples of the four held-out prompts at guidance 1, 2, 3 and 5, one row per scale"
print(figures.image_grid(np.concatenate(strips), alt=alt, columns=8))
header = ["guidance scale", "prompt match (all four)", "diversity ratio vs real", "Frechet distance"]
print(figures.table(rows, header, caption=f"Held-out prompts, 32 samples each; real vs real: {floor:.1f}"))
model, _ = training.load_model("diffusion")
closest = min(rows, key=lambda row: float(row[3]))[0]  # the lowest Frechet distance on these prompts
print(
    f"<p>Our painter samples with guidance <strong>{model.config.guidance:g}</strong> (its config); "
    f"on these held-out prompts, scale {closest:g} comes closest to the real set.</p>"
)
print(figures.provenance("diffusion", seed=2, started=started))
