import time

from painters import figures, training, world

started = time.perf_counter()
# Load the committed weights (checked against this code) and run autoregressive.sample_images:
# 64 tokens, one at a time, with classifier-free guidance 3 on the logits.
images = training.paint("autoregressive", world.SHARED_PROMPT, n=16, seed=0)

print(figures.image_grid(images, alt=f"Sixteen autoregressive samples of '{world.SHARED_PROMPT}'", columns=8))
print(figures.provenance("autoregressive", seed=0, started=started))
