"""The benchmark: build and test times (idle and busy), painters against their floors, the renderer.

    python scripts/bench.py               # everything; writes benchmarks/bench.json
    python scripts/bench.py --only paint  # just the per-picture timings (a minute or two)

Targets on the project's 2-core CPU (reported, never asserted by the test suite): warm strict
build <= 30 s, `mkdocs serve` rebuild <= 5 s, `make test` <= 5 min, each sampler within 1.5x of
its network's forward-pass floor, and with one CPU hog per core running (started and stopped
here) the warm build and `make test` each within 2.5x of their idle time. The renderer: a batch
at least 10x faster per scene than one scene at a time. The retrain's wall time is read from
benchmarks/retrain.json, written by `make checkpoints`. Other work on the same cores slows
everything: the JSON records the load average before and after, so a noisy run can be told apart.
"""

from __future__ import annotations

import argparse
import contextlib
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from painters import canvas
from painters.checkpoints import loading, store
from painters.core import machine, paths
from painters.families import registry
from painters.measure import timing

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "bench.json"
TARGETS = {
    "warm build (s)": 30.0,
    "serve rebuild (s)": 5.0,
    "make test (s)": 300.0,
    "sampler / floor": 1.5,
    "busy / idle": 2.5,
    "renderer speed-up": 10.0,
    "retrain (min)": 100.0,  # the budget B was chosen to fit make checkpoints in this
}


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 1)


@contextlib.contextmanager
def fresh_clone() -> Iterator[None]:
    """No .cache/ at all, as on a fresh clone (samples, measurements, ring runs, executed labs,
    the training set); what was there is put back afterwards, and what the run made is dropped."""
    aside = paths.CACHE_DIR.with_name(f"{paths.CACHE_DIR.name}.aside-{os.getpid()}")
    if paths.CACHE_DIR.exists():
        paths.CACHE_DIR.rename(aside)
    try:
        yield
    finally:
        shutil.rmtree(paths.CACHE_DIR, ignore_errors=True)
        if aside.exists():
            aside.rename(paths.CACHE_DIR)


def bench_build() -> dict[str, float]:
    """Cold (as on a fresh clone: nothing in .cache/) and warm strict builds into a temporary folder."""
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    with tempfile.TemporaryDirectory() as tmp, fresh_clone():
        cold = timed([mkdocs, "build", "--strict", "-q", "-d", f"{tmp}/site"])
        warm = timed([mkdocs, "build", "--strict", "-q", "-d", f"{tmp}/site"])
        blocks = block_times(Path(tmp) / "site" / "computation-times" / "index.html")
    return {"cold build (s)": cold, "warm build (s)": warm, "warm build, blocks (s)": blocks}


def block_times(page: Path) -> dict[str, float]:
    """The warm build's own Computation times page, as {block: seconds}, slowest first."""
    rows = re.findall(r"<tr><td[^>]*>([^<]+)</td><td[^>]*><span[^>]*>([\d.]+) s</span>", page.read_text())
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
    """`make test` twice: cold (nothing in .cache/, as on a fresh clone) and warm."""
    with fresh_clone():
        cold = timed(["make", "test"])
    return {"cold make test (s)": cold, "make test (s)": timed(["make", "test"])}


# The floors: the network passes a sampler cannot avoid, per family (here, not in the family
# files: they are the benchmark's business). A painter without one is timed without a floor.


def _gan_floor(model: Any, n: int) -> Any:
    g = model.generator_ema.eval()
    z, tokens = torch.randn(n, g.z_dim), _tokens(n)
    return lambda: g(z, tokens)


def _vae_floor(model: Any, n: int) -> Any:
    tokens, z = _tokens(n), torch.randn(n, model.config.latent_dim)
    return lambda: (model.prior(model.text(tokens[:1])), model.decoder(z, model.text(tokens)))


def _diffusion_floor(model: Any, n: int) -> Any:
    cfg = model.config
    x = torch.randn(2 * n, 3, canvas.SIZE, canvas.SIZE).contiguous(memory_format=torch.channels_last)
    emb = model.ema.embed(torch.full((2 * n,), cfg.timesteps // 2), _tokens(2 * n))
    return lambda: [model.ema(x, emb) for _ in range(cfg.sample_steps)]


def _autoregressive_floor(model: Any, n: int) -> Any:
    from painters.families import autoregressive

    start = model.prompt_vector(_tokens(2 * n), 2 * n)
    ids = torch.randint(model.config.codebook, (2 * n, autoregressive.LENGTH))

    def run() -> None:
        caches: list[dict[str, torch.Tensor]] = [{} for _ in model.blocks]
        x = start[:, None]
        for i in range(autoregressive.LENGTH):
            model.step(x, caches)
            x = (model.token(ids[:, i]) + model.position[0, i])[:, None]
        model.tokenizer.decode(ids[:n])

    return run


def _tokens(n: int) -> torch.Tensor:
    return torch.tensor([canvas.encode(canvas.SHARED_PROMPT)] * n)


FLOORS = {"gan": _gan_floor, "vae": _vae_floor, "diffusion": _diffusion_floor, "autoregressive": _autoregressive_floor}


@torch.no_grad()
def bench_paint() -> dict[str, Any]:
    """Milliseconds per picture at batch 1 and 64 for each painter, and its sampler against its
    floor (the network's forward passes alone, on the same batch): everything above the floor
    is overhead. All timed the site's one way (gallery.timings: one thread, a warm-up,
    interleaved rounds, the minimum)."""
    prompt = canvas.SHARED_PROMPT
    out: dict[str, Any] = {}
    things: dict[str, Any] = {}
    for family in registry.painters():
        try:
            model, _ = loading.load_model(family)
        except store.CheckpointError as error:
            out[family] = {"error": str(error)}
            continue
        sample = registry.painter(family).sample_images
        for batch in (1, 64):
            things[f"{family} {batch}"] = lambda b=batch, m=model, f=sample: f(m, prompt, b, seed=0)
        if family in FLOORS:
            things[f"{family} floor"] = FLOORS[family](model, 64)
    t = timing.timings(things)
    for family in registry.painters():
        if family in out:
            continue
        row = {f"batch {b} (ms/image)": round(1000 * t.seconds[f"{family} {b}"] / b, 3) for b in (1, 64)}
        if f"{family} floor" in t.seconds:
            row["floor, batch 64 (ms/image)"] = round(1000 * t.seconds[f"{family} floor"] / 64, 3)
            row["sampler / floor"] = round(row["batch 64 (ms/image)"] / row["floor, batch 64 (ms/image)"], 2)
        out[family] = row
    return out


def bench_render(n: int = 512) -> dict[str, float]:
    """The world renderer: milliseconds per scene painting a batch, against one scene at a time."""
    import numpy as np

    scenes = [canvas.ALL_SCENES[i % len(canvas.ALL_SCENES)] for i in range(n)]
    rng = np.random.default_rng(0)
    t = timing.timings(
        {
            "batch": lambda: canvas.render_many(scenes, seed=0),
            "one at a time": lambda: [canvas.render(s, rng) for s in scenes[:64]],
        },
        repeats=3,
    )
    batch, single = 1000 * t.seconds["batch"] / n, 1000 * t.seconds["one at a time"] / 64
    return {"render, batch (ms/scene)": round(batch, 3), "render, one at a time (ms/scene)": round(single, 3),
            "renderer speed-up": round(single / batch, 1)}  # fmt: skip


class Hogs:
    """One busy loop per core, in processes of their own, for the 'busy' rows."""

    def __enter__(self) -> Hogs:
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.kill()
            proc.wait()


def bench_busy(idle: dict[str, Any]) -> dict[str, float]:
    """The warm build and `make test` again, with a CPU hog on every core; and each against idle."""
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    with tempfile.TemporaryDirectory() as tmp, Hogs():
        timed([mkdocs, "build", "--strict", "-q", "-d", f"{tmp}/site"])  # the cache warm, as idle's was
        busy = {
            "busy warm build (s)": timed([mkdocs, "build", "--strict", "-q", "-d", f"{tmp}/site"]),
            "busy make test (s)": timed(["make", "test"]),
        }
    for key in ("warm build (s)", "make test (s)"):
        if key in idle:
            busy[f"busy / idle, {key.removesuffix(' (s)')}"] = round(busy[f"busy {key}"] / idle[key], 2)
    return busy


def retrain_record() -> dict[str, Any]:
    """The last `make checkpoints` run, as scripts/train_all.py recorded it."""
    path = ROOT / "benchmarks" / "retrain.json"
    if not path.exists():
        return {}
    run = json.loads(path.read_text())
    return {"retrain (min)": round(run["wall_seconds"] / 60, 1), "retrain": run}


def machine_record() -> dict[str, Any]:
    return {
        "hardware": machine.hardware(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "load average before": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parts = ("build", "serve", "test", "paint", "render", "busy")
    parser.add_argument("--only", choices=parts, action="append", help="run just these parts")
    parser.add_argument("--output", type=Path, default=OUT, help="JSON file to write (default benchmarks/bench.json)")
    args = parser.parse_args(argv)
    parts = args.only or list(parts)
    machine.use_threads(1)
    result: dict[str, Any] = {"machine": machine_record(), "targets": TARGETS}
    if "paint" in parts:
        result["painters"] = bench_paint()
    if "render" in parts:
        result.update(bench_render())
    if "build" in parts:
        result.update(bench_build())
    if "serve" in parts:
        result.update(bench_serve())
    if "test" in parts:
        result.update(bench_tests())
    if "busy" in parts:
        idle = result if "build" in parts else json.loads(args.output.read_text()) if args.output.exists() else {}
        result.update(bench_busy(idle))
    result.update(retrain_record())
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
