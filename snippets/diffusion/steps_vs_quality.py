import numpy as np

from painters import canvas
from painters.checkpoints import loading
from painters.families import diffusion
from painters.measure import gallery, metrics, timing
from painters.site import figures

model, _ = loading.load_model("diffusion")
# Every fourth scene the measurement uses, with all its pictures: the measurement's own prompts
# (varied wording), and its own pictures as the row at the sampler's step count.
trained, n = metrics.groups()["trained"]
scenes = trained[::4]
picked = [trained.index(s) * n + j for s in scenes for j in range(n)]
captions = metrics.captions(trained, n)
prompts = [captions[i] for i in picked]
reals = gallery.reference(scenes, n)
steps = (5, 10, 20, 40)
rows = []
for k in steps:
    if k == model.config.sample_steps:
        images = gallery.protocol_pictures("diffusion", "trained")[np.array(picked)]
    else:
        images = gallery.paint("diffusion", prompts, len(prompts), seed=1, steps=k)
    m = gallery.compare(images, reals, scenes)
    rows.append([k, figures.percent(m.prompt_match["all four"]), f"{m.sharpness_ratio:.2f}", f"{m.frechet:.1f}"])


def run(k: int):
    return lambda: diffusion.sample_images(model, canvas.SHARED_PROMPT, 8, seed=1, steps=k)


t = timing.timings({str(k): run(k) for k in steps})  # interleaved: a busy moment hits every row alike
for row in rows:
    row.append(figures.measured(f"{t.seconds[str(row[0])] / 8 * 1000:.1f} ms"))
header = ["DDIM steps", "prompt match (all four)", "sharpness vs real", "Frechet distance",
          "time per picture (batch 8)"]  # fmt: skip
print(figures.table(rows, header, caption=f"{len(scenes)} trained scenes, {n} pictures each"))
print(f"<p>Timed on {t.where()}.</p>")
