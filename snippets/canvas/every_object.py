import time

from painters import figures, world

started = time.perf_counter()

# One row per object; along a row, colours, places and times take turns.
scenes = [
    world.Scene(obj, world.COLOURS[i % 4], world.PLACES[i % 3], world.TIMES[(i // 3) % 3])
    for obj in world.OBJECTS
    for i in range(8)
]
images = world.render_many(scenes, seed=1)

alt = "Real renders in four rows: bicycles, balls, boats, trees, in every colour, place and time"
print(figures.image_grid(images, alt=alt, columns=8, caption="Rows: bicycle, ball, boat, tree."))
print(figures.provenance(None, seed=1, started=started))
