import json
from pathlib import Path

from painters.browser import bundle, widget
from painters.families import registry
from painters.site import figures

# The latest committed run of scripts/bench_browser.py (part of `make bench`): each widget paints
# in headless Chromium, one WebAssembly thread, as on a static host.
run = json.loads(Path("benchmarks/browser.json").read_text())
load = f"{run['load_average_before'][0]:.1f} before, {run['load_average_after'][0]:.1f} after"
print(
    f"<p>Measured on {run['date']}: {run['machine']}, {run['cores']} cores, Chromium {run['chromium']}, "
    f"onnxruntime-web {run['onnxruntime_web']}; load average {load}.</p>"
)


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


rows = []
for family, p in run["painters"].items():
    verdict = "met" if p["median_ms"] <= p["target_ms"] else "missed"
    rows.append((
        registry.get(family).label, f"{p['median_ms']:g} ms", f"<= {p['target_ms']:g} ms", verdict,
        f"{p['fastest_ms']:g} ms", f"{p['first_paint_with_loading_ms']:.0f} ms", mb(p["model_bytes"]),
        p["network_calls"],
    ))  # fmt: skip
runs = run["painters"]["gan"]["runs"]
print(figures.table(
    rows,
    ["painter", f"median of {runs}", "target", "", "fastest", "first Paint, with loading", "models", "network calls"],
))  # fmt: skip

# What each widget's first Paint fetches, summed at build time from the files in the site
# (bundle.first_paint, as the widget's status line says before the click): raw, and gzipped at
# the level a static host compresses with.
places, shrunk = [], {}
for place in widget.PLACES:
    family = "all" if place == "home" else place
    fetched = bundle.first_paint(family)
    runtime = sum(f.bytes for f in fetched if f.part == "runtime")
    total, gzipped = sum(f.bytes for f in fetched), sum(f.gzip_bytes for f in fetched)
    where = "home page (all four)" if place == "home" else f"{registry.get(place).label} page"
    places.append((where, mb(runtime), mb(total - runtime), mb(total), mb(gzipped), f"{gzipped / total:.0%}"))
    if place == "home":
        for part in ("runtime", "models"):
            mine = [f for f in fetched if f.part == part]
            shrunk[part] = sum(f.gzip_bytes for f in mine) / sum(f.bytes for f in mine)
print(
    "<p>What the first Paint of each widget fetches, summed from the files in the site (the widget's status "
    "line says the same before the click): the runtime (onnxruntime-web, the widget's scripts and "
    "painters.json), then the models of that page's painters and the judge's. "
    f"Gzip at level {bundle.GZIP_LEVEL}, as a static host compresses, brings the runtime to "
    f"{shrunk['runtime']:.0%} of its size and the models' weights only to {shrunk['models']:.0%}.</p>"
)
print(figures.table(places, ["widget", "runtime", "models", "first Paint", "gzipped", "gzipped / raw"]))
