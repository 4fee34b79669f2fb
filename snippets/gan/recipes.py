import json
from pathlib import Path

from painters.site import figures

# Fifteen ways of training this GAN, each on an eighth of the budget of counted compute, side by
# side on one machine; scripts/gan_recipes.py trains them again. Sorted by Frechet distance.
record = json.loads(Path("benchmarks/gan_recipes.json").read_text())
recipes = sorted(record["recipes"], key=lambda r: r["frechet"])
rows = [
    (figures.Html(f"<strong>{r['name']}</strong>" if r["settings"] == record["chosen"]["settings"] else r["name"]),
     r["tests"], f"{r['steps']:,}", f"{r['frechet']:.1f}", f"{r['prompt_match']:.2f}",
     f"{r['held_out_prompt_match']:.2f}", f"{r['sharpness_ratio']:.2f}", f"{r['layout_coverage']:.2f}")
    for r in recipes
]  # fmt: skip
header = ["recipe", "what it tests", "steps", "Frechet", "prompt match", "held-out", "sharpness", "coverage"]
caption = f"Each at {record['share_of_budget']:g} of B; measured with {record['protocol']}"
print(figures.table(rows, header, caption=caption))
print(f"<p>Kept for the full budget: <strong>{record['chosen']['settings']}</strong>, {record['chosen']['why']}.</p>")
