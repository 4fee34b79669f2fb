from painters.checkpoints import store
from painters.families import registry
from painters.measure import gallery
from painters.site import figures

# What each painter was trained to reach (on the whole world, the judge reading), and what its
# committed checkpoint's manifest recorded when it was saved. Real renders against real renders
# give the Frechet distance's floor.

floor = gallery.real_vs_real()["trained"].frechet
bars = [  # (painter, what, its manifest's number, the bar, True if higher is better)
    ("gan", "sharpness ratio", lambda m: m["trained"]["sharpness_ratio"], 0.7, True),
    ("gan", "Frechet distance, times real vs real", lambda m: m["trained"]["frechet"] / floor, 3.0, False),
    ("gan", "prompt match, trained scenes", lambda m: m["trained"]["prompt_match"]["all four"], 0.95, True),
    ("autoregressive", "prompt match, trained scenes", lambda m: m["trained"]["prompt_match"]["all four"], 0.92, True),
    ("diffusion", "Frechet distance, times real vs real", lambda m: m["trained"]["frechet"] / floor, 2.0, False),
    ("diffusion", "prompt match, trained scenes", lambda m: m["trained"]["prompt_match"]["all four"], 0.99, True),
    ("diffusion", "prompt match, held-out scenes", lambda m: m["held_out"]["prompt_match"]["all four"], 0.95, True),
    ("vae", "prompt match, trained scenes", lambda m: m["trained"]["prompt_match"]["all four"], 0.8, True),
]
rows = []
for family, what, read, bar, higher in bars:
    value = read(store.read_manifest(family).metrics)
    met = value >= bar if higher else value <= bar
    rows.append((registry.get(family).label, what, f"{value:.2f}", f"{'>=' if higher else '<='} {bar:g}",
                 "met" if met else "missed"))  # fmt: skip
print(figures.table(rows, ["painter", "measure", "measured", "bar", ""], stack=True))  # a card each on a phone
