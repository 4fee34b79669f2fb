from painters import canvas
from painters.site import figures

# These four scenes are never shown to a painter in training.
images = canvas.render_many([s for s in canvas.HELD_OUT for _ in range(8)], seed=2)
labels = [f"{s.colour} {s.object}, {s.place}, {s.time}" for s in canvas.HELD_OUT]
print(figures.image_grid(images, alt="Real renders of the four held-out prompts", columns=8, row_labels=labels))
