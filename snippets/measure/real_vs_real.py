from painters.measure import gallery, metrics
from painters.site import figures

# The renderer treated as if it were a painter: fresh renders of every scene measured against
# the reference renders every painter is measured against. The best any painter can score.
ceiling = gallery.real_vs_real()
rows = []
for label, key, fmt in (
    ("prompt match, all four", None, "{:.0%}"),
    ("sharpness ratio", "sharpness_ratio", "{:.2f}"),
    ("pixel diversity ratio", "pixel_diversity_ratio", "{:.2f}"),
    ("feature diversity ratio", "feature_diversity_ratio", "{:.2f}"),
    ("layout diversity ratio", "layout_diversity_ratio", "{:.2f}"),
    ("layout coverage", "layout_coverage", "{:.2f}"),
    ("precision (fidelity)", "precision", "{:.2f}"),
    ("recall (coverage)", "recall", "{:.2f}"),
    ("Frechet distance", "frechet", "{:.2f}"),
):
    cells = [m.prompt_match["all four"] if key is None else getattr(m, key) for m in ceiling.values()]
    rows.append((label, *(fmt.format(c) for c in cells)))
columns = [f"{len(scenes)} {group.replace('_', '-')} scenes x {n}" for group, (scenes, n) in metrics.groups().items()]
print(figures.table(rows, ["metric", *columns]))
