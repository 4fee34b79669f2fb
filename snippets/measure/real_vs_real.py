import time

from painters import figures, judge, training, world

started = time.perf_counter()


def another_real_set(prompt: str, n: int, seed: int):
    return world.render_prompt(prompt, n, seed=50_000 + seed)  # fresh renders, not the reference ones


# Treat the renderer as if it were a painter: the best any painter can score. The reference
# renders are the ones every painter is measured against (judge.measure draws the same).
m = training.measure_against_reference(another_real_set, judge.EVAL_SCENES, n=64)
rows = [
    ("prompt match, all four", figures.percent(m.prompt_match["all four"])),
    ("sharpness ratio", f"{m.sharpness_ratio:.2f}"),
    ("pixel diversity ratio", f"{m.pixel_diversity_ratio:.2f}"),
    ("feature diversity ratio", f"{m.feature_diversity_ratio:.2f}"),
    ("precision (fidelity)", f"{m.precision:.2f}"),
    ("recall (coverage)", f"{m.recall:.2f}"),
    ("Frechet distance", f"{m.frechet:.2f}"),
]
print(figures.table(rows, ["metric", "real vs real"]))
print(figures.provenance("judge", seed=0, started=started, source="two sets of fresh renders"))
