import numpy as np

from painters import canvas
from painters.checkpoints import loading
from painters.families import vae
from painters.measure import gallery, metrics
from painters.site import figures

scenes = canvas.TRAIN_SCENES[::7]  # twenty trained scenes, 16 real renders each
real = gallery.reference(scenes, 16)
prompts = [s.prompt for s in scenes for _ in range(16)]
rows, strips = [], []
for name in ("vae-beta0.1", "vae-beta1", "vae-beta4"):  # one committed checkpoint per beta
    model, manifest = loading.load_model(name)
    rebuilt = vae.reconstruct(model, real, prompts)  # fit: how well it rebuilds what it is shown
    samples = gallery.paint(name, prompts, len(prompts), seed=6)  # new pictures, z from the prior
    m = gallery.compare(samples, real, scenes)
    error = float(np.mean((rebuilt / 127.5 - real / 127.5) ** 2))
    rebuilt_sharpness = metrics.sharpness(rebuilt) / metrics.sharpness(real)
    pflop = manifest.compute["total_pflop"]  # the sweep trains shorter than the painter above
    rows.append(
        (
            f"{manifest.config['beta']:g}",
            f"{manifest.steps:,} ({pflop:.3f} PFLOP)",
            f"{error:.4f}",
            f"{rebuilt_sharpness:.2f}",
            f"{m.sharpness_ratio:.2f}",
            figures.percent(m.prompt_match["all four"]),
        )
    )
    strips.append(samples[:: len(samples) // 8][:8])
labels = [f"beta {row[0]}" for row in rows]
print(figures.image_grid(np.concatenate(strips), alt="VAE pictures at three KL weights", columns=8, row_labels=labels))
print(figures.table(rows, ["beta", "training steps", "rebuild error", "rebuild sharpness vs real",
                           "sample sharpness vs real", "samples: all four right"]))  # fmt: skip
best = min(rows, key=lambda row: float(row[2]))[0]  # the beta whose rebuilds fit best
rule = "as the general rule says" if best == rows[0][0] else "where the general rule says the smallest"
print(f"<p>Here the rebuilds fit best at beta {best}, {rule}.</p>")
