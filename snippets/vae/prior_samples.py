from painters import figures, gallery, world

images = gallery.paint("vae", world.SHARED_PROMPT, n=16, seed=0)  # z ~ p(z | prompt), then the decoder
alt = f"Sixteen VAE samples of '{world.SHARED_PROMPT}' drawn from the prior"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=["seeds 0-7", "seeds 8-15"]))
