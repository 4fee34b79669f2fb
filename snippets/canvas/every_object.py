from painters import canvas
from painters.site import figures

# One row per object; along a row, colours, places and times take turns.
scenes = [
    canvas.Scene(obj, canvas.COLOURS[i % 4], canvas.PLACES[i % 3], canvas.TIMES[(i // 3) % 3])
    for obj in canvas.OBJECTS
    for i in range(8)
]
images = canvas.render_many(scenes, seed=1)
alt = "Real renders of every object in every colour, place and time"
print(figures.image_grid(images, alt=alt, columns=8, row_labels=canvas.OBJECTS))
