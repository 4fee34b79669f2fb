import time

import numpy as np

from painters import figures, judge, training, vae, world

started = time.perf_counter()
scene = world.parse_prompt(world.SHARED_PROMPT)
real = world.render_prompt(world.SHARED_PROMPT, n=64, seed=6)
rows, strips = [], []
for name in ("vae-beta0.1", "vae-beta1", "vae-beta4"):  # one committed checkpoint per beta
    model, manifest = training.load_model(name)
    rebuilt = vae.reconstruct(model, real, world.SHARED_PROMPT)  # fit: how well it rebuilds
    samples = vae.sample_images(model, world.SHARED_PROMPT, 64, seed=6)  # new pictures
    error = float(np.mean((rebuilt.astype(float) - real) ** 2) / 255**2)
    rows.append((manifest.config["beta"], f"{error:.4f}", f"{judge.sharpness(samples) / judge.sharpness(real):.2f}",
                 figures.percent(judge.prompt_match(samples, scene)["all four"])))  # fmt: skip
    strips.append(samples[:8])
alt = "VAE samples of the shared prompt at beta 0.1, 1 and 4, one row each"
print(figures.image_grid(np.concatenate(strips), alt=alt, columns=8))
print(figures.table(rows, ["beta", "rebuild error", "sample sharpness vs real", "samples: all four right"]))
print(figures.provenance("vae-beta1", seed=6, started=started))
