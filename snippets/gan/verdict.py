import time

from painters import figures, gan, training, world

started = time.perf_counter()
model, _ = training.load_model("gan")
real = world.render_prompt(world.SHARED_PROMPT, n=64, seed=11)
fake = training.paint("gan", world.SHARED_PROMPT, n=64, seed=11)

rows = []
for label, images in (("real renders", real), ("GAN samples", fake)):
    scores = gan.discriminator_scores(model, images, world.SHARED_PROMPT)  # > 0 means "real"
    rows.append((label, f"{scores.mean():+.2f}", figures.percent(float((scores > 0).mean()))))
print(figures.table(rows, ["shown to the discriminator", "mean score", "called real"]))
print(figures.provenance("gan", seed=11, started=started))
