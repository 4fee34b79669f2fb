from painters.families import registry
from painters.measure import gallery, lesson
from painters.site import figures

rows = dict(zip(registry.painters(), lesson.measured_rows(), strict=True))  # "gan": the GAN's row, ...
held = {f: gallery.measure_family(f).held_out.prompt_match["all four"] for f in registry.painters()}

# Each product weighs the axes differently; the pick is whatever the measured rows say.
quick = lesson.fewest_passes(rows.values())  # a live camera: latency first, so the one-pass painters
face_filter = max(quick, key=lambda r: r.sharpness)  # then the crisper of them: faces need detail
others = [r for r in quick if r is not face_filter]
stock = max(rows.values(), key=lambda r: r.sharpness + r.prompt_match + r.diversity)  # quality, variety
design = max(held, key=held.get)  # heavy prompt control: the best on prompts never seen in training
passes = f"{face_filter.passes} network pass{'es' if face_filter.passes > 1 else ''} per picture"
crisper = "".join(f", {r.family} {r.sharpness:.1f}" for r in others)
answers = [
    ("face-filter app", face_filter.family, f"{passes}; sharpness {face_filter.sharpness:.1f}{crisper}"),
    ("stock-image generator", stock.family,
     f"sharpness {stock.sharpness:.1f}, prompt match {stock.prompt_match:.1f}, diversity {stock.diversity:.1f}"),
    ("design tool, heavy prompt control", rows[design].family,
     f"all four right on {figures.percent(held[design])} of held-out pictures"),
]  # fmt: skip
print(figures.table(answers, ["product", "measured pick", "the number that decides it"]))
