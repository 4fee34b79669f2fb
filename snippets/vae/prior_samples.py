import time

from painters import figures, training, world

started = time.perf_counter()
images = training.paint("vae", world.SHARED_PROMPT, n=16, seed=0)  # z ~ p(z | prompt), then the decoder
print(figures.image_grid(images, alt=f"Sixteen VAE samples of '{world.SHARED_PROMPT}' drawn from the prior", columns=8))
print(figures.provenance("vae", seed=0, started=started))
