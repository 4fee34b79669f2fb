from painters import canvas
from painters.site import figures

prompt = "a red bicycle parked on a beach at sunset"
images = canvas.render_prompt(prompt, n=16, seed=0)  # (16, 32, 32, 3) uint8, the same every build
alt = f"Sixteen real 32x32 renders of '{prompt}'"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=["renders 1-8", "renders 9-16"]))
