from painters import figures, world

prompt = "a red bicycle parked on a beach at sunset"
images = world.render_prompt(prompt, n=16, seed=0)  # (16, 32, 32, 3) uint8, the same every build
print(figures.image_grid(images, alt=f"Sixteen real 32x32 renders of '{prompt}'", columns=8))
