import time

from painters import figures, scoring, training

started = time.perf_counter()

rows = {r.family: r for r in scoring.measured_rows()}
held = {f: training.measure_family(f).held_out.prompt_match["all four"] for f in training.FAMILIES}

# Each product weighs the axes differently; the pick is whatever the measured rows say.
face_filter = scoring.fastest_group(rows.values())  # a live camera: latency first (near-ties kept)
stock = max(rows.values(), key=lambda r: r.sharpness + r.prompt_match + r.diversity)  # quality, variety
design = max(held, key=held.get)  # heavy prompt control: the best on prompts never seen in training
answers = [
    ("face-filter app", scoring.names(face_filter, "or"),
     figures.measured(" and ".join(f"{r.seconds * 1000:.2f} ms" for r in face_filter) + " per image, the fastest")),
    ("stock-image generator", stock.family,
     f"sharpness {stock.sharpness:.1f}, prompt match {stock.prompt_match:.1f}, diversity {stock.diversity:.1f}"),
    ("design tool, heavy prompt control", design,
     f"all four right on {figures.percent(held[design])} of held-out prompts"),
]  # fmt: skip
print(figures.table(answers, ["product", "measured pick", "the number that decides it"]))
print(figures.provenance(training.FAMILIES, seed=0, started=started))
