import json
from pathlib import Path

from painters.browser import bundle
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

runtime = sum((bundle.ort_dist() / name).stat().st_size for name in bundle.ORT_FILES)
print(f"<p>The first Paint on a page also fetches the runtime, {mb(runtime)}, once for all {len(rows)} painters.</p>")
