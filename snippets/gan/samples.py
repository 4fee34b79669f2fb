import time

from painters import figures, gan, judge, training, world

started = time.perf_counter()
images = training.paint("gan", world.SHARED_PROMPT, n=16, seed=0)  # gan.sample_images on the committed weights
print(figures.image_grid(images, alt=f"Sixteen GAN samples of '{world.SHARED_PROMPT}'", columns=8))

model, _ = training.load_model("gan")
one = judge.seconds_per_image(lambda b: gan.sample_images(model, world.SHARED_PROMPT, b), batch=1)
ms = figures.measured(f"{one * 1000:.2f} ms")
print(f"<p>One picture is one forward pass of the generator: <strong>{ms}</strong> at batch 1, timed live.</p>")
print(figures.provenance("gan", seed=0, started=started))
