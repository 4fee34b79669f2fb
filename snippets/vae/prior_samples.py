from painters import canvas
from painters.measure import gallery
from painters.site import figures

images = gallery.paint("vae", canvas.SHARED_PROMPT, n=16, seed=0)  # z ~ p(z | prompt), then the decoder
alt = f"Sixteen VAE samples of '{canvas.SHARED_PROMPT}' drawn from the prior"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=["seeds 0-7", "seeds 8-15"],
                         caption=f"The prompt: {canvas.SHARED_PROMPT}"))  # fmt: skip
