from painters.measure import timing
from painters.site import figures

# 16, 32 and 64 tokens for 8 pictures, with the KV cache and without, every run timed against the
# others (a warm-up, then interleaved rounds, the minimum of each), once per build.
t = timing.token_timings()
rows = []
for n in timing.TOKEN_LENGTHS:
    cached, full = t.seconds[f"{n} cached"] / 8, t.seconds[f"{n} full"] / 8
    cells = (f"{cached * 1000:.1f} ms", f"{full * 1000:.1f} ms", f"{full / cached:.1f}x")
    rows.append((n, *(figures.measured(c) for c in cells)))
print(figures.table(rows, ["tokens", "with KV cache", "without", "without / with"]))
print(f"<p>Per picture, batch of 8. Timed on {t.where()}.</p>")
