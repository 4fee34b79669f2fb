from painters.families import registry
from painters.measure import gallery, metrics
from painters.site import figures

# Each painter's pictures of each held-out combination (64 each, asked in varied wording), read
# by the judge: the share with all four attributes right. These are the very pictures its
# held-out prompt match in the tables below is measured on, here scene by scene.
scenes, n = metrics.groups()["held_out"]
rows = []
for family in registry.painters():
    pictures = gallery.protocol_pictures(family, "held_out")
    shares = [metrics.prompt_match(pictures[i * n : (i + 1) * n], s)["all four"] for i, s in enumerate(scenes)]
    rows.append((registry.get(family).label, *(figures.percent(x) for x in shares)))
header = ["painter", *(f"{s.colour} {s.object}, {s.place}, {s.time}" for s in scenes)]
print(figures.table(rows, header))
