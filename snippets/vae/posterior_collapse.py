import numpy as np
import torch

from painters import canvas
from painters.checkpoints import loading
from painters.families import vae
from painters.measure import gallery
from painters.site import figures

IN_USE = 0.1  # nats: a latent number that carries less than this says almost nothing
scenes = canvas.TRAIN_SCENES[::7]  # the same twenty trained scenes, 16 real renders each
real = gallery.reference(scenes, 16)
prompts = [s.prompt for s in scenes for _ in range(16)]
betas, per_number = [], []
for name in ("vae-beta0.1", "vae-beta1", "vae-beta4"):  # one committed checkpoint per beta
    model, manifest = loading.load_model(name)
    mu, logvar = vae.encode_images(model, real, prompts)
    mu_p, sigma_p = vae.prior_of(model, prompts, len(prompts))
    per_number.append(vae.gaussian_kl(mu, logvar, mu_p, 2 * sigma_p.log()).mean(0))  # nats, per latent number
    betas.append(f"beta {manifest.config['beta']:g}")
kl = torch.stack(per_number)  # (betas, latent numbers)

rows = [(j + 1, *(f"{kl[b, j]:.2f}" for b in range(len(betas)))) for j in range(kl.shape[1])]
rows.append(("all", *(f"{kl[b].sum():.1f}" for b in range(len(betas)))))
in_use = [f"{int((kl[b] > IN_USE).sum())} of {kl.shape[1]}" for b in range(len(betas))]
rows.append((f"in use (over {IN_USE} nats)", *in_use))
print(figures.table(rows, ["latent number", *betas], caption="KL per latent number, nats per picture"))

# The last model (beta 4): move one latent number at a time across its prior, the others at the
# prior's centre. The number it uses most changes the picture; the one it uses least does not.
used, unused = int(kl[-1].argmax()), int(kl[-1].argmin())
mu_p, sigma_p = vae.prior_of(model, canvas.SHARED_PROMPT, 8)
steps = torch.linspace(-2, 2, 8)
strips = []
for j in (used, unused):
    z = mu_p.clone()
    z[:, j] += steps * sigma_p[:, j]
    strips.append(vae.decode_latents(model, z, canvas.SHARED_PROMPT))
alt = (f"The beta 4 VAE painting the shared prompt while one latent number moves from -2 to +2 prior "
       f"spreads: number {used + 1} moves the picture, number {unused + 1} leaves it as it is")  # fmt: skip
caption = (f"{betas[-1]}: one latent number moved from -2 to +2 spreads of the prior, the others at its "
           f"centre. Number {used + 1} carries {kl[-1, used]:.2f} nats, number {unused + 1} "
           f"{kl[-1, unused]:.2f}.")  # fmt: skip
print(figures.image_grid(np.concatenate(strips), alt=alt, columns=8, caption=caption,
                         row_labels=[f"number {j + 1}" for j in (used, unused)],
                         column_labels=[f"{s:+.1f}" for s in steps.tolist()]))  # fmt: skip
change = [float(np.abs(s.astype(float) - s[:1].astype(float)).mean()) for s in strips]  # from the left picture
ignored = "has learned to ignore that number" if change[1] < change[0] / 10 else "still uses that number a little"
print(
    f"<p>Along the first row the pixels move by {change[0]:.1f} levels on average (of 255); along the "
    f"second, by {change[1]:.1f}: the decoder {ignored}.</p>"
)
