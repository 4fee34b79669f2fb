from painters import canvas
from painters.measure import experiments
from painters.site import figures

# One token forced wrong (every random draw kept the same) at one position in each row of the
# 8x8 grid, top to bottom; 64 samples each. What the judge stops reading, per attribute.
damage = experiments.echo()
rows = [
    (
        position,
        e.depicts,
        figures.percent(e.changed),
        *(figures.percent(e.lost[k]) for k in (*canvas.ATTRIBUTES, "all four")),
    )
    for position, e in damage.items()
]
lost = [f"{k} lost" for k in (*canvas.ATTRIBUTES, "all four")]
print(figures.table(rows, ["forced token", "its patch shows", "later tokens changed", *lost]))
