from painters import canvas
from painters.measure import gallery
from painters.site import figures

# diffusion.sample_images on the committed weights, with the checkpoint's own settings:
# config.sample_steps DDIM steps at config.guidance.
images = gallery.paint("diffusion", canvas.SHARED_PROMPT, n=16, seed=0)
alt = f"Sixteen diffusion samples of '{canvas.SHARED_PROMPT}'"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=["seeds 0-7", "seeds 8-15"],
                         caption=f"The prompt: {canvas.SHARED_PROMPT}"))  # fmt: skip
