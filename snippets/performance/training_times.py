import time

from painters import figures, store, training

started = time.perf_counter()
# Every committed checkpoint's manifest records how long it trained and on what.
names = sorted(path.stem for path in store.CHECKPOINTS.glob("*.safetensors"))
manifests = [store.read_manifest(name) for name in names]
rows = [(m.name, f"{m.steps:,}", f"{m.wall_seconds / 60:.1f}", m.device, m.hardware) for m in manifests]
print(figures.table(rows, ["checkpoint", "steps", "wall minutes", "device", "hardware"]))

# The budget the project set itself: the four painters together within 60 CPU-minutes (moonshot 30).
# With one torch thread a run keeps at most one core busy, so its CPU-minutes are at most its wall
# minutes (fewer when other work shared the machine).
painters = [m for m in manifests if m.name in training.FAMILIES]
total = sum(m.cpu_minutes for m in painters)
verdict = "within" if total <= 60 else "over"
print(
    f"<p>The four painters took at most <strong>{total:.0f} CPU-minutes</strong> together, {verdict} the "
    f"60-minute budget ({total / 60:.0%} of it; the moonshot is 30). The slowest: "
    + ", ".join(f"{m.name} {m.cpu_minutes:.0f}" for m in sorted(painters, key=lambda m: -m.cpu_minutes)[:2])
    + ".</p>"
)
print(figures.provenance(None, None, started, source="read from checkpoints/*.json"))
