"""The benchmark: build and test times, time per image per painter, samplers against their floor.

    python scripts/bench.py               # everything but retraining; writes benchmarks/bench.json
    python scripts/bench.py --only paint  # just the per-image timings (a minute or two)
    python scripts/bench.py --retrain     # also retrain every painter from scratch (slow)

Targets on the project's 2-core CPU (reported, never asserted by the test suite): warm strict
build <= 30 s, `mkdocs serve` rebuild <= 5 s, `make test` <= 5 min, each sampler within 1.5x of
its network's forward-pass floor. Other work on the same cores slows everything: the JSON
records the load average before and after, so a noisy run can be told apart.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import torch

from painters import store, training, world

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "bench.json"
TARGETS = {
    "warm build (s)": 30.0,
    "serve rebuild (s)": 5.0,
    "make test (s)": 300.0,
    "sampler / floor": 1.5,
}


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 1)


def bench_build() -> dict[str, float]:
    """Cold (no sample cache, no executed labs) and warm strict builds into a temporary folder."""
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    caches = [training.CACHE_DIR / "samples", training.CACHE_DIR / "mkdocs-jupyter"]
    with tempfile.TemporaryDirectory() as tmp:
        saved = [Path(tmp) / cache.name for cache in caches]
        for cache, aside in zip(caches, saved, strict=True):
            if cache.exists():
                shutil.move(str(cache), aside)
        try:
            cold = timed([mkdocs, "build", "--strict", "-q", "-d", f"{tmp}/site"])
            warm = timed([mkdocs, "build", "--strict", "-q", "-d", f"{tmp}/site"])
            blocks = block_times(Path(tmp) / "site" / "computation-times" / "index.html")
        finally:
            for cache, aside in zip(caches, saved, strict=True):
                if aside.exists():
                    shutil.rmtree(cache, ignore_errors=True)
                    shutil.move(str(aside), cache)
    return {"cold build (s)": cold, "warm build (s)": warm, "warm build, blocks (s)": blocks}


def block_times(page: Path) -> dict[str, float]:
    """The warm build's own Computation times page, as {block: seconds}, slowest first."""
    rows = re.findall(r"<tr><td>([^<]+)</td><td><span[^>]*>([\d.]+) s</span>", page.read_text())
    if not rows:
        raise RuntimeError(f"{page}: no block times found; has the Computation times page changed?")
    return {name: float(seconds) for name, seconds in rows}


def bench_serve(port: int = 8765, page: str = "docs/wild.md") -> dict[str, float]:
    """Start `mkdocs serve` (`make serve`), wait for its first build, change one page, and time
    until the served page shows the change."""
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    server = subprocess.Popen(
        [mkdocs, "serve", "--dev-addr", f"127.0.0.1:{port}"],  # livereload on: it is what watches
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/{Path(page).stem}/"
    path = ROOT / page
    original = path.read_text(encoding="utf-8")
    key = "serve rebuild (s)"
    try:
        deadline = time.time() + 600
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(1)
        marker = f"bench-{time.time_ns()}"
        start = time.perf_counter()
        path.write_text(original + f"\n<!-- {marker} -->\n", encoding="utf-8")
        while time.perf_counter() - start < 300:
            try:
                if marker in urllib.request.urlopen(url, timeout=2).read().decode():
                    return {key: round(time.perf_counter() - start, 1)}
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"mkdocs serve did not show the change to {page} within 300 s")
    finally:
        path.write_text(original, encoding="utf-8")
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def bench_tests() -> dict[str, float]:
    return {"make test (s)": timed(["make", "test"])}


def _best(fn: Any, repeats: int = 3) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@torch.no_grad()
def bench_paint() -> dict[str, Any]:
    """Seconds per image at batch 1 and 64 for each painter, and its sampler against its floor.

    The floor is what the sampler cannot avoid: the network's forward passes alone, timed on
    the same batch (diffusion: steps x one guided forward; autoregressive: 64 cached one-token
    steps; GAN: one generator pass; VAE: one decoder pass). Everything else (sampling noise,
    text encoding, clamping, converting to pixels, Python) is overhead.
    """
    prompt = world.SHARED_PROMPT
    out: dict[str, Any] = {}
    for family in training.FAMILIES:
        try:
            model, _ = training.load_model(family)
        except store.CheckpointError as error:
            out[family] = {"error": str(error)}
            continue
        module = training.family_module(family)
        row: dict[str, float] = {}
        for batch in (1, 64):
            seconds = _best(lambda b=batch, m=model, f=module: f.sample_images(m, prompt, b, seed=0))
            row[f"batch {batch} (ms/image)"] = round(1000 * seconds / batch, 3)
        floor = module.forward_floor(model, 64) if hasattr(module, "forward_floor") else None
        if floor is not None:
            floor_seconds = _best(floor)
            row["floor, batch 64 (ms/image)"] = round(1000 * floor_seconds / 64, 3)
            row["sampler / floor"] = round(row["batch 64 (ms/image)"] / row["floor, batch 64 (ms/image)"], 2)
        out[family] = row
    fastest = min(r["batch 1 (ms/image)"] for r in out.values() if "batch 1 (ms/image)" in r)
    for row in out.values():
        if "batch 1 (ms/image)" in row:
            row["batch 1, x fastest"] = round(row["batch 1 (ms/image)"] / fastest, 1)
    return out


def bench_retrain() -> dict[str, float]:
    out = {}
    for family in training.FAMILIES:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            training.train_and_save(family, directory=Path(tmp), progress=False)
            out[f"retrain {family} (min)"] = round((time.perf_counter() - start) / 60, 1)
    return out


def machine() -> dict[str, Any]:
    return {
        "hardware": store.hardware(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "load average before": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parts = ("build", "serve", "test", "paint")
    parser.add_argument("--only", choices=parts, action="append", help="run just these parts")
    parser.add_argument("--retrain", action="store_true", help="also retrain every painter (slow)")
    parser.add_argument("--output", type=Path, default=OUT, help="JSON file to write (default benchmarks/bench.json)")
    args = parser.parse_args(argv)
    parts = args.only or ["build", "serve", "test", "paint"]
    result: dict[str, Any] = {"machine": machine(), "targets": TARGETS}
    if "paint" in parts:
        result["painters"] = bench_paint()
    if "build" in parts:
        result.update(bench_build())
    if "serve" in parts:
        result.update(bench_serve())
    if "test" in parts:
        result.update(bench_tests())
    if args.retrain:
        result.update(bench_retrain())
    result["machine"]["load average after"] = [round(x, 2) for x in os.getloadavg()]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.output.exists() and args.only:  # a partial run updates the committed results
        merged = json.loads(args.output.read_text())
        merged.update({k: v for k, v in result.items() if k != "machine"})
        merged["machine"] = result["machine"]
        result = merged
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
