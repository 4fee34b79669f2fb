from painters.families import registry
from painters.measure import timing
from painters.site import figures

# Each painter timed against the others (a warm-up, interleaved rounds, the minimum), at batch 1
# (what a user waiting on a button feels) and batch 64 (what a server painting many pays).
one, many = timing.painter_timings(1), timing.painter_timings(64)
rows = [
    (
        registry.get(f).label,
        figures.measured(f"{one.seconds[f] * 1000:.2f} ms"),
        figures.measured(f"{many.seconds[f] * 1000:.2f} ms"),
        figures.measured(f"{one.seconds[f] / many.seconds[f]:.1f}x"),
    )
    for f in registry.painters()
]
print(figures.table(rows, ["painter", "batch 1, per picture", "batch 64, per picture", "gain from batching"]))
print(f"<p>Timed on {one.where()}.</p>")
