from painters.families import registry
from painters.measure import gallery
from painters.site import figures

# Every painter on the protocol's trained scenes (metrics.groups()) against real renders, and
# real renders against other real renders: the ceiling.
reports = {registry.get(f).label: gallery.measure_family(f).trained for f in registry.painters()}
reports["real renders"] = gallery.real_vs_real()["trained"]
rows = [
    (name, f"{m.layout_coverage:.2f}", f"{m.layout_diversity_ratio:.2f}", f"{m.recall:.2f}", f"{m.precision:.2f}")
    for name, m in reports.items()
]
header = ["painter", "layout coverage", "layout diversity ratio", "recall (features)", "precision (features)"]
print(figures.table(rows, header))
