from painters import figures, gallery, world

# diffusion.sample_images on the committed weights, with the checkpoint's own settings:
# config.sample_steps DDIM steps at config.guidance.
images = gallery.paint("diffusion", world.SHARED_PROMPT, n=16, seed=0)
alt = f"Sixteen diffusion samples of '{world.SHARED_PROMPT}'"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=["seeds 0-7", "seeds 8-15"]))
