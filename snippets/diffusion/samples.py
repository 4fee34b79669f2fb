import time

from painters import figures, training, world

started = time.perf_counter()
# Load the committed weights (checked against this code) and run diffusion.sample_images
# with the checkpoint's own settings: config.sample_steps DDIM steps at config.guidance.
images = training.paint("diffusion", world.SHARED_PROMPT, n=16, seed=0)

print(figures.image_grid(images, alt=f"Sixteen diffusion samples of '{world.SHARED_PROMPT}'", columns=8))
print(figures.provenance("diffusion", seed=0, started=started))
