import time

from painters import figures, training

started = time.perf_counter()
rows = []
for family in ("gan", "diffusion"):
    m = training.measure_family(family).trained  # 8 prompts x 64 samples against real renders
    rows.append((family, f"{m.precision:.2f}", f"{m.recall:.2f}", f"{m.feature_diversity_ratio:.2f}",
                 f"{m.pixel_diversity_ratio:.2f}"))  # fmt: skip
print(figures.table(rows, ["painter", "fidelity (precision)", "coverage (recall)", "diversity ratio, judge features",
                           "diversity ratio, pixels"]))  # fmt: skip
print(figures.provenance("gan", seed=0, started=started))
