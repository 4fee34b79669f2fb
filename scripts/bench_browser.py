"""Time per picture of the in-browser painters, in Chromium; writes benchmarks/browser.json.

    python scripts/bench_browser.py                 # the committed painters
    python scripts/bench_browser.py --runs 5 --out /tmp/browser.json

Each family's widget paints in headless Chromium (Debian's, driven by Playwright) on a stand-in
of the site's painter pages (tests/browser/painter_site.py: the widget, the runtime and the
current exports, laid out as the build lays them out; no `mkdocs build` needed), single-threaded
WebAssembly as on GitHub Pages. The first Paint (loading the runtime and the models) is timed
apart; then `--runs` pictures of the shared prompt with seeds 1, 2, ... report the median and
the fastest. A picture's time is what the widget reports: from the first network call to the
last pixel, with the live display (diffusion's clean image at every step, the autoregressive
tokens as they come). Diffusion is timed at 20 steps whatever its config says.

Targets (reported, not asserted): diffusion 20 steps <= 1.5 s, autoregressive 64 tokens
<= 1 s, GAN and VAE <= 50 ms. Other work on the same cores slows everything: the load average
before and after is recorded, so a noisy run can be told apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from built_site import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from painter_site import PAGES, assemble, paint, serve  # noqa: E402

from painters import canvas  # noqa: E402
from painters.browser import bundle, export  # noqa: E402
from painters.core import machine  # noqa: E402

OUT = ROOT / "benchmarks" / "browser.json"
TARGETS_MS = {"gan": 50.0, "vae": 50.0, "diffusion": 1500.0, "autoregressive": 1000.0}
KNOBS = {"diffusion": {"steps": 20}}


def bench(runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    records = export.ensure_current()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, serve(assemble(Path(tmp))) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        version = browser.version
        for page_url, family in PAGES.items():
            if family not in TARGETS_MS:
                continue
            context = browser.new_context()
            tab = context.new_page()
            tab.goto(url + page_url, wait_until="networkidle")
            started = time.perf_counter()
            first = paint(tab, family, canvas.SHARED_PROMPT, 0)
            first_wall = (time.perf_counter() - started) * 1000
            times = []
            for seed in range(1, runs + 1):
                out = paint(tab, family, canvas.SHARED_PROMPT, seed, knobs=KNOBS.get(family))
                times.append(out["panels"][family]["ms"])
            context.close()
            record = records[family]
            results[family] = {
                "median_ms": round(statistics.median(times), 1),
                "fastest_ms": round(min(times), 1),
                "runs": runs,
                "target_ms": TARGETS_MS[family],
                "meets_target": statistics.median(times) <= TARGETS_MS[family],
                "first_paint_ms": round(first["panels"][family]["ms"], 1),
                "first_paint_with_loading_ms": round(first_wall, 1),
                "model_bytes": sum(g["bytes"] for g in record["graphs"].values()),
                "graphs": {name: g["bytes"] for name, g in record["graphs"].items()},
                "weights_sha256": record["weights_sha256"][:12],
                "network_calls": _calls(family, record["settings"]),
            }
            print(f"{family:>15}: median {results[family]['median_ms']} ms (target {TARGETS_MS[family]:.0f}), "
                  f"first paint with loading {first_wall:.0f} ms")  # fmt: skip
        browser.close()
    ort_version = json.loads((bundle.ort_dist().parent / "package.json").read_text())["version"]
    return {
        "what": "time per picture of each in-browser painter, headless Chromium, one wasm thread",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine.cpu_name(),
        "cores": os.cpu_count(),
        "chromium": version,
        "onnxruntime_web": ort_version,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "painters": results,
    }


def _calls(family: str, settings: dict[str, Any]) -> str:
    if family == "diffusion":
        return "20 denoiser calls (the guided pair in one batch of two)"
    if family == "autoregressive":
        return f"1 prompt + {settings['length']} cached steps + decoder passes for the live view"
    return "1 prior + 1 decoder" if family == "vae" else "1 generator"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed pictures per painter after the first (default 10)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the JSON (default {OUT})")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs: at least 1")
    if not Path(CHROMIUM).exists():
        parser.error(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (or set CHROMIUM)")
    machine.use_threads()
    result = bench(args.runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
