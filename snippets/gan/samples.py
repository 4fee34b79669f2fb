from painters import canvas
from painters.measure import gallery
from painters.site import figures

# gan.sample_images on the committed weights: one generator pass paints all sixteen.
images = gallery.paint("gan", canvas.SHARED_PROMPT, n=16, seed=0)
alt = f"Sixteen GAN samples of '{canvas.SHARED_PROMPT}'"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=["seeds 0-7", "seeds 8-15"],
                         caption=f"The prompt: {canvas.SHARED_PROMPT}"))  # fmt: skip
