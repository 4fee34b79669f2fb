import json
from pathlib import Path

from painters.checkpoints import store
from painters.families import registry
from painters.site import figures

# Every committed checkpoint's manifest records how long it trained, on what, with how many threads.
manifests = [store.read_manifest(name) for name, _, _ in registry.CHECKPOINTS]
rows = [(m.name, f"{m.steps:,}", f"{m.compute.get('total_pflop', float('nan')):.4f}", f"{m.wall_seconds / 60:.1f}",
         m.threads, m.hardware) for m in manifests]  # fmt: skip
print(figures.table(rows, ["checkpoint", "steps", "counted PFLOP", "minutes", "threads", "machine"]))

# make checkpoints records its whole run: jobs side by side, one thread each.
run = json.loads(Path("benchmarks/retrain.json").read_text())
target = 100  # minutes: the budget B was chosen so that make checkpoints fits in this on two cores
verdict = "within" if run["wall_seconds"] <= target * 60 else "over"
print(f"<p>The last <code>make checkpoints</code> ({run['date']}, {run['jobs']} jobs at a time, "
      f"{run['threads_per_job']} thread each, on {run['machine']}; load average {run['load_average_before']} "
      f"before) retrained all {len(run['checkpoints'])} checkpoints in <strong>{run['wall_seconds'] / 60:.1f} "
      f"minutes</strong>, {verdict} the {target}-minute target.</p>")  # fmt: skip
