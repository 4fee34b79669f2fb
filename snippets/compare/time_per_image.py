import time

from painters import figures, store, training

started = time.perf_counter()
# Timed live while this page was built: one image alone, and 64 at once (per image).
reports = {family: training.measure_family(family) for family in training.FAMILIES}
fastest = min(r.seconds_batch_1 for r in reports.values())
rows = [
    (
        family,
        figures.measured(f"{r.seconds_batch_1 * 1000:.2f} ms"),
        figures.measured(f"{r.seconds_batch_64 * 1000:.2f} ms"),
        figures.measured(f"{r.seconds_batch_1 / r.seconds_batch_64:.1f}x"),
        figures.measured(f"{r.seconds_batch_1 / fastest:.0f}x"),
    )
    for family, r in reports.items()
]
header = ["painter", "batch 1, per image", "batch 64, per image", "gain from batching", "batch 1 vs fastest"]
print(figures.table(rows, header))
print(f"<p>Timed on {store.hardware()}.</p>")
print(figures.provenance(training.FAMILIES, seed=0, started=started))
