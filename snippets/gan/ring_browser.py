import json
from pathlib import Path

from painters.browser import bundle
from painters.site import figures

# What Train below fetches from this site: TensorFlow.js's files, as the build copies them in
# (bundle.copy_tfjs_into_site), and the widget's own code.
files = []
for name, path in bundle.tfjs_files().items():
    version = json.loads((path.parents[1] / "package.json").read_text())["version"]
    files.append((name, path, f"{bundle.TFJS_FILES[name]} {version}"))
for name in ("ring.js", "ring-train.js", "ring-worker.js", "samplers.js"):
    files.append((name, Path("docs/assets/painter") / name, "this site"))


def kb(size: int) -> str:
    return f"{size / 1000:,.0f} kB"


rows = [(figures.Html(f"<code>{name}</code>"), kb(path.stat().st_size), source) for name, path, source in files]
rows.append(("in all, on the first Train", kb(sum(path.stat().st_size for _, path, _ in files)), ""))
print(figures.table(rows, ["file", "size", "from"]))
