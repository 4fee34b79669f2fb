import json
from pathlib import Path

from painters import export, figures

# What Train below fetches from this site: TensorFlow.js's files, as the build copies them in,
# and the widget's own code (the trainer is ring.py written again for TF.js).
rows, total = [], 0
for name, path in export.tfjs_files().items():
    version = json.loads((path.parents[1] / "package.json").read_text())["version"]
    total += path.stat().st_size
    rows.append((figures.Html(f"<code>{name}</code>"), f"{export.TFJS_FILES[name]} {version}", path.stat().st_size))
code = ["ring.js", "ring-train.js", "ring-worker.js", "samplers.js"]
for name in code:
    path = Path("docs/assets/painter") / name
    total += path.stat().st_size
    rows.append((figures.Html(f"<code>{name}</code>"), "this site", path.stat().st_size))
rows.append(("in all, on the first Train", "", total))
rows = [(*row[:2], f"{row[2] / 1000:,.0f} kB") for row in rows]
print(figures.table(rows, ["file", "from", "size"]))
