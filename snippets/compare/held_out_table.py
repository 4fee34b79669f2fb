from painters import figures, gallery, metrics, registry, world

# Each painter, 64 pictures of each held-out combination (asked in the canonical wording), read by
# the judge: the share with all four attributes right.
rows = []
for family in registry.painters():
    shares = [metrics.prompt_match(gallery.paint(family, s.prompt, 64, seed=3), s)["all four"] for s in world.HELD_OUT]
    rows.append((registry.get(family).label, *(figures.percent(x) for x in shares)))
header = ["painter", *(f"{s.colour} {s.object}, {s.place}, {s.time}" for s in world.HELD_OUT)]
print(figures.table(rows, header))
