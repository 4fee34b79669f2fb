import json
from pathlib import Path

from painters import figures

# The latest committed run of `make bench` (scripts/bench.py), with the machine it ran on.
bench = json.loads(Path("benchmarks/bench.json").read_text())
machine = bench["machine"]
load = f"{machine['load average before'][0]:.1f} before, {machine['load average after'][0]:.1f} after"
print(f"<p>Measured on {machine['date']}: {machine['hardware']}, torch {machine['torch']}; load average {load}.</p>")

targets = bench["targets"]
timed = ("cold build (s)", "warm build (s)", "serve rebuild (s)", "make test (s)")
site = [(k, f"{bench[k]:.1f}", f"<= {targets[k]:g}" if k in targets else "") for k in timed if k in bench]
met = {k: bench[k] <= targets[k] for k in timed if k in bench and k in targets}
if site:
    print(figures.table([(*row, {True: "met", False: "missed"}.get(met.get(row[0]), "")) for row in site],
                        ["what", "seconds", "target", ""]))  # fmt: skip
    missed = [k.removesuffix(" (s)") for k, ok in met.items() if not ok]
    print(f"<p>Targets missed in this run: {', '.join(missed) or 'none'}.</p>")
else:
    print(
        "<p>This run timed the painters only; build, serve and test times come from "
        "<code>python scripts/bench.py --only build --only serve --only test</code>.</p>"
    )

blocks = dict(bench.get("warm build, blocks (s)", {}))  # that build's own Computation times page
total = blocks.pop("all blocks", None)
if total and "warm build (s)" in bench:
    top = ", ".join(f"<code>{name}</code> {sec:.1f} s" for name, sec in list(blocks.items())[:3])
    print(f"<p>Of that warm build's {bench['warm build (s)']:.1f} s, its {len(blocks)} executed blocks took "
          f"{total:.1f} s; the slowest three: {top}.</p>")  # fmt: skip

columns = ["batch 1 (ms/image)", "batch 64 (ms/image)", "floor, batch 64 (ms/image)", "sampler / floor"]
columns.append("batch 1, x fastest")
rows = [(family, *(row.get(c, "-") for c in columns)) for family, row in bench["painters"].items()]
print(figures.table(rows, ["painter", *columns]))
