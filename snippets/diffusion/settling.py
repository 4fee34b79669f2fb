from painters.measure import experiments
from painters.site import figures

# 64 samples, 10 DDIM steps: how much of the final picture each step's predicted x0 already has,
# split into layout (the picture blurred to 4x4 blocks) and texture (what the blur takes out).
times, layout, texture = experiments.settling()
rows = [(step + 1, t, figures.percent(lay), figures.percent(tex))
        for step, (t, lay, tex) in enumerate(zip(times, layout, texture, strict=True))]  # fmt: skip
print(figures.table(rows, ["step", "t", "layout settled", "texture settled"]))
