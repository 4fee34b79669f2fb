import numpy as np

from painters.measure import ring
from painters.site import figures

# Six seeds each: the plain GAN, and the same GAN with the R1 penalty (kept in .cache by ring.runs).
plain, fixed = ring.runs(ring.Setting()), ring.runs(ring.Setting(r1=ring.R1))
rows = []
for name, runs in (("plain", plain), ("R1 penalty", fixed)):
    covered = [run.coverage for run in runs]
    on_blob = np.median([run.quality for run in runs])
    rows.append((name, " ".join(map(str, covered)), f"{np.median(covered):g} ({min(covered)} to {max(covered)})",
                 figures.percent(float(on_blob))))  # fmt: skip
print(figures.table(rows, ["training", "blobs covered, seeds 0 to 5", "median (range)", "samples on a blob (median)"]))

run = ring.most_collapsed(plain)  # the plain run that collapsed hardest, next to R1 on the same seed
print(figures.ring_picture(run, fixed[run.seed]))
tenths = [(step, ", ".join(map(str, blobs)) or "none") for step, blobs in ring.covered_over_time(run)]
print(figures.table(tenths, ["training step", f"blobs the plain GAN covers (seed {run.seed})"]))
