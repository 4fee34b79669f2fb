from painters import canvas
from painters.measure import experiments
from painters.site import figures

# Two real renders of the shared prompt with their objects far apart, each encoded to its latent
# point, and a walk from one point to the other; the judge reads where the object stands.
pictures, layouts = experiments.walk(steps=9)
x = layouts[:, canvas.LAYOUT_FIELDS.index("object_x")]
alt = "Nine VAE pictures along a latent walk: the bicycle moves from one side of the beach to the other"
labels = [f"{v:.0f}px" for v in x]
print(figures.image_grid(pictures, alt=alt, columns=9, row_labels=["walk"], column_labels=labels))
print("<p>Above each picture: where the judge reads the object's centre, in pixels from the left.</p>")
