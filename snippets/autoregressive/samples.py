from painters import canvas
from painters.measure import gallery
from painters.site import figures

# autoregressive.sample_images on the committed weights: 64 tokens, one at a time, each drawn
# from the transformer's guided prediction, then the tokenizer's decoder turns them into pixels.
images = gallery.paint("autoregressive", canvas.SHARED_PROMPT, n=16, seed=0)
alt = f"Sixteen autoregressive samples of '{canvas.SHARED_PROMPT}'"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=["seeds 0-7", "seeds 8-15"],
                         caption=f"The prompt: {canvas.SHARED_PROMPT}"))  # fmt: skip
