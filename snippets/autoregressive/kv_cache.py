import torch

from painters import canvas
from painters.checkpoints import loading
from painters.families import autoregressive
from painters.measure import timing
from painters.site import figures

model, _ = loading.load_model("autoregressive")
prompt = torch.tensor([canvas.encode(canvas.SHARED_PROMPT)] * 8)


def run(length: int, cache: bool):
    seed = torch.Generator().manual_seed(0)
    return lambda: autoregressive.sample_tokens(model, prompt, seed, length=length, use_cache=cache)


# Every run timed against the others: a warm-up, then interleaved rounds, the minimum of each.
lengths = (16, 32, 64)
t = timing.timings({f"{n} {c}": run(n, c) for n in lengths for c in (True, False)})
rows = []
for n in lengths:
    cached, full = t.seconds[f"{n} True"] / 8, t.seconds[f"{n} False"] / 8
    cells = (f"{cached * 1000:.1f} ms", f"{full * 1000:.1f} ms", f"{full / cached:.1f}x")
    rows.append((n, *(figures.measured(c) for c in cells)))
print(figures.table(rows, ["tokens", "with KV cache", "without", "without / with"]))
print(f"<p>Per picture, batch of 8. Timed on {t.where()}.</p>")
