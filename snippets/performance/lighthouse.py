import json
from pathlib import Path

from painters import figures

# The latest committed run of `make lighthouse` (scripts/lighthouse.py), with the machine it ran on.
report = json.loads(Path("benchmarks/lighthouse.json").read_text())
machine = report["machine"]
load = f"{machine['load average before'][0]:.1f} before, {machine['load average after'][0]:.1f} after"
print(
    f"<p>Measured on {report['date']} with Lighthouse {report['lighthouse']} and {machine['browser']}, "
    f"on {machine['cpu']} ({machine['cores']} cores, load average {load}).</p>"
)

columns = ["performance", "accessibility", "best-practices", "seo"]
rows = [(run["page"], run["form factor"], *(run["scores"][c] for c in columns)) for run in report["runs"]]
print(figures.table(rows, ["page", "as", *columns], caption="Lighthouse scores, out of 100"))

metrics = list(report["runs"][0]["metrics"])
rows = [(run["page"], run["form factor"], *(f"{run['metrics'][m]:g}" for m in metrics)) for run in report["runs"]]
print(figures.table(rows, ["page", "as", *metrics], caption="What the performance score is made of"))

lost = sorted({audit for run in report["runs"] for audit in run["failed audits"]})
print(f"<p>Audits that cost points outside performance: {', '.join(lost) or 'none'}.</p>")
