import time

from painters import diffusion, figures, judge, training, world

started = time.perf_counter()
model, _ = training.load_model("diffusion")
scene = world.parse_prompt(world.SHARED_PROMPT)

real = world.render_prompt(world.SHARED_PROMPT, n=64, seed=8)
rows = []
for steps in (5, 10, 20, 50):
    images = training.paint("diffusion", world.SHARED_PROMPT, n=64, seed=1, steps=steps)
    t0 = time.perf_counter()  # timed live, on a batch of 8 (the 64 above may come from the build cache)
    diffusion.sample_images(model, world.SHARED_PROMPT, n=8, seed=1, steps=steps)
    ms = (time.perf_counter() - t0) / 8 * 1000
    match = figures.percent(judge.prompt_match(images, scene)["all four"])
    sharp = f"{judge.sharpness(images) / judge.sharpness(real):.2f}"
    rows.append((steps, match, sharp, figures.measured(f"{ms:.1f} ms")))
print(figures.table(rows, ["DDIM steps", "prompt match (all four)", "sharpness vs real", "time per image (batch 8)"]))
print(figures.provenance("diffusion", seed=1, started=started))
