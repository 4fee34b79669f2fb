import time

from painters import figures, judge, training, vae, world

started = time.perf_counter()
model, _ = training.load_model("vae")
z = vae.prior_latents(model, world.SHARED_PROMPT, 2, seed=3)  # two random points of the latent space
path = vae.interpolate(model, world.SHARED_PROMPT, z[0], z[1], steps=8)  # a walk between them

print(figures.image_grid(path, alt="Eight VAE pictures along a walk between two random latent points", columns=8))
readings = judge.read(path)
rows = [(i + 1, readings.describe(i)) for i in range(len(path))]
print(figures.table(rows, ["step", "the judge reads"]))
print(figures.provenance("vae", seed=3, started=started))
