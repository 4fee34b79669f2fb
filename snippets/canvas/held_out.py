from painters import figures, world

# These four scenes are never shown to a painter in training.
for scene in world.HELD_OUT:
    print(f"- {scene.prompt}")

images = world.render_many([s for s in world.HELD_OUT for _ in range(8)], seed=2)
print(figures.image_grid(images, alt="Real renders of the four held-out prompts, one per row", columns=8))
