import json
from pathlib import Path

from painters.site import figures

# The latest committed run of `make lighthouse` (scripts/lighthouse.py), and where it ran.
report = json.loads(Path("benchmarks/lighthouse.json").read_text())
runs, machine = report["runs"], report["machine"]
print(
    f"<p>Measured on {report['date']} with Lighthouse {report['lighthouse']} and {machine['browser']}, "
    f"on {machine['cpu']} ({machine['cores']} cores, load average {machine['load average before'][0]:.1f}).</p>"
)

names = [f"{run['page']} ({run['form factor']})" for run in runs]
scores = [(c, *(run["scores"][c] for run in runs)) for c in runs[0]["scores"]]
print(figures.table(scores, ["score out of 100", *names]))
metrics = [(m, *(f"{run['metrics'][m]:g}" for run in runs)) for m in runs[0]["metrics"]]
print(figures.table(metrics, ["what the performance score is made of", *names]))

lost = sorted({audit for run in runs for audit in run["failed audits"]})
print(f"<p>Audits that cost points outside performance: {', '.join(lost) or 'none'}.</p>")
