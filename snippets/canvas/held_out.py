import time

from painters import figures, world

started = time.perf_counter()

# These four scenes are never shown to a painter in training.
print("<ul>" + "".join(f"<li>{scene.prompt}</li>" for scene in world.HELD_OUT) + "</ul>")

images = world.render_many([s for s in world.HELD_OUT for _ in range(8)], seed=2)
print(figures.image_grid(images, alt="Real renders of the four held-out prompts, one per row", columns=8))
print(figures.provenance(None, seed=2, started=started))
