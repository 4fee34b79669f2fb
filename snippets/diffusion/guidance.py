import numpy as np

from painters import canvas
from painters.checkpoints import loading
from painters.measure import gallery, metrics
from painters.site import figures

scenes, n = canvas.HELD_OUT, 32  # the hard case: combinations the painter never saw
reals = gallery.reference(scenes, n)
floor = gallery.compare(gallery.reference(scenes, n, seed=metrics.SECOND_REFERENCE_SEED), reals, scenes)

rows, strips = [], []
for scale in (1.0, 1.5, 3.0, 5.0):  # 1 = no guidance: the prompt-conditioned prediction alone
    images = np.concatenate([gallery.paint("diffusion", s.prompt, n, seed=2, guidance=scale) for s in scenes])
    m = gallery.compare(images, reals, scenes)
    rows.append((scale, figures.percent(m.prompt_match["all four"]), f"{m.feature_diversity_ratio:.2f}",
                 f"{m.layout_diversity_ratio:.2f}", f"{m.frechet:.1f}"))  # fmt: skip
    strips.append(images[:: n // 2])  # two pictures of each held-out prompt
print(figures.image_grid(np.concatenate(strips), alt="Diffusion pictures of the four held-out prompts at four "
                         "guidance scales", columns=8, row_labels=[f"guidance {r[0]:g}" for r in rows]))  # fmt: skip
header = ["guidance scale", "prompt match (all four)", "diversity ratio (features)", "diversity ratio (layout)",
          "Frechet distance"]  # fmt: skip
print(figures.table(rows, header, caption=f"Held-out prompts, {n} pictures each; real vs real: {floor.frechet:.1f}"))

model, _ = loading.load_model("diffusion")
closest = min(rows, key=lambda row: float(row[-1]))[0]  # the lowest Frechet distance on these prompts
print(f"<p>Our painter samples with guidance <strong>{model.config.guidance:g}</strong> (its config); on the "
      f"held-out prompts, scale {closest:g} lands closest to the real pictures.</p>")  # fmt: skip
