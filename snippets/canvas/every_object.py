from painters import figures, world

# One row per object; along a row, colours, places and times take turns.
scenes = [
    world.Scene(obj, world.COLOURS[i % 4], world.PLACES[i % 3], world.TIMES[(i // 3) % 3])
    for obj in world.OBJECTS
    for i in range(8)
]
images = world.render_many(scenes, seed=1)
alt = "Real renders of every object in every colour, place and time"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=world.OBJECTS))
