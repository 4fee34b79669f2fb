from painters import figures, world

# These four scenes are never shown to a painter in training.
images = world.render_many([s for s in world.HELD_OUT for _ in range(8)], seed=2)
labels = [f"{s.colour} {s.object}, {s.place}, {s.time}" for s in world.HELD_OUT]
print(figures.image_grid(images, alt="Real renders of the four held-out prompts", columns=8, row_labels=labels))
