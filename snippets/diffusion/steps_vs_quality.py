from painters import diffusion, figures, gallery, metrics, registry, world

model, _ = registry.load_model("diffusion")
scenes, n = world.TRAIN_SCENES[::7], 16  # twenty trained scenes
reals = gallery.reference(scenes, n)
prompts = [s.prompt for s in scenes for _ in range(n)]
steps = (5, 10, 20, 40)
rows = []
for k in steps:
    m = metrics.compare(gallery.paint("diffusion", prompts, len(prompts), seed=1, steps=k), reals, scenes)
    rows.append([k, figures.percent(m.prompt_match["all four"]), f"{m.sharpness_ratio:.2f}", f"{m.frechet:.1f}"])


def run(k: int):
    return lambda: diffusion.sample_images(model, world.SHARED_PROMPT, 8, seed=1, steps=k)


t = gallery.timings({str(k): run(k) for k in steps})  # interleaved: a busy moment hits every row alike
for row in rows:
    row.append(figures.measured(f"{t.seconds[str(row[0])] / 8 * 1000:.1f} ms"))
print(figures.table(rows, ["DDIM steps", "prompt match (all four)", "sharpness vs real", "Frechet distance",
                           "time per picture (batch 8)"]))  # fmt: skip
print(f"<p>Timed on {t.where()}.</p>")
