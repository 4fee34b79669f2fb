import json
from pathlib import Path

from painters.site import figures

# The latest committed run of `make bench` (scripts/bench.py), with the machine it ran on.
bench = json.loads(Path("benchmarks/bench.json").read_text())
machine, targets = bench["machine"], bench["targets"]
load = f"{machine['load average before'][0]:.1f} before, {machine['load average after'][0]:.1f} after"
print(f"<p>Measured on {machine['date']}: {machine['hardware']}, torch {machine['torch']}; load average {load}.</p>")


def row(what: str, key: str, target: str | None, unit: str = "s") -> tuple[str, str, str, str]:
    value = bench.get(key)
    if value is None:
        return (what, "not in this run", "", "")
    goal = targets.get(target) if target else None
    verdict = "" if goal is None else ("met" if value <= goal else "missed")
    return (what, f"{value:g} {unit}", f"<= {goal:g} {unit}" if goal is not None else "", verdict)


rows = [
    row("cold strict build", "cold build (s)", None),
    row("warm strict build", "warm build (s)", "warm build (s)"),
    row("mkdocs serve: rebuild after touching a page", "serve rebuild (s)", "serve rebuild (s)"),
    row("make test on a fresh clone (nothing in .cache)", "cold make test (s)", "make test (s)"),
    row("make test", "make test (s)", "make test (s)"),
    row("warm build with a CPU hog on each core", "busy warm build (s)", None),
    row("  busy / idle", "busy / idle, warm build", "busy / idle", "x"),
    row("make test with a CPU hog on each core", "busy make test (s)", None),
    row("  busy / idle", "busy / idle, make test", "busy / idle", "x"),
    row("renderer, per scene in a batch", "render, batch (ms/scene)", None, "ms"),
    row("renderer, per scene one at a time", "render, one at a time (ms/scene)", None, "ms"),
]
if "renderer speed-up" in bench:
    goal = targets["renderer speed-up"]
    met = "met" if bench["renderer speed-up"] >= goal else "missed"
    rows.append(("renderer speed-up", f"{bench['renderer speed-up']:g}x", f">= {goal:g}x", met))
print(figures.table(rows, ["what", "measured", "target", ""]))

columns = ["batch 1 (ms/image)", "batch 64 (ms/image)", "floor, batch 64 (ms/image)", "sampler / floor"]
rows = [(family, *(row.get(c, "-") for c in columns)) for family, row in bench["painters"].items()]
print(figures.table(rows, ["painter", *columns]))
# The Comparison and Measure pages time the painters and the renderer again while this site is
# built, on whatever else the machine is doing then: say so, so two numbers are not read as one.
print(
    f'<p>These are the benchmark run\'s times ({machine["date"]}). The <a href="../compare/">Comparison</a> '
    'and <a href="../measure/">Measure</a> pages time the same painters and the renderer again while this '
    "site is built, each with its own machine load beside it, so the two sets differ by what the machine "
    "was doing at each moment, not by what the code does.</p>"
)
