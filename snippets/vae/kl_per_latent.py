import torch

from painters import canvas
from painters.checkpoints import loading
from painters.families import vae
from painters.families.shared import prompt_tokens, to_tensor
from painters.measure import gallery
from painters.site import figures

scenes = canvas.TRAIN_SCENES[::7]  # twenty trained scenes, 16 real renders each
real = gallery.reference(scenes, 16)
prompts = [s.prompt for s in scenes for _ in range(16)]
model, _ = loading.load_model("vae")
mu, logvar = vae.encode_images(model, real, prompts)  # the encoder's cloud q(z | x, c), per picture
mu_p, sigma_p = vae.prior_of(model, prompts, len(prompts))  # the prompt's prior p(z | c)
kl = vae.gaussian_kl(mu, logvar, mu_p, 2 * sigma_p.log())  # (pictures, latent numbers), in nats
narrow = (0.5 * logvar).exp() / sigma_p  # the code's spread as a share of the prior's
with torch.no_grad():  # the loss's two terms, per picture, as training computes them
    eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(0))
    terms = vae.elbo_terms(model, to_tensor(real), prompt_tokens(prompts, len(prompts)), eps)

rows = [(j + 1, f"{kl[:, j].mean():.2f}", f"{narrow[:, j].mean():.2f}") for j in range(kl.shape[1])]
rows.append(("all", f"{kl.sum(1).mean():.1f}", ""))
header = ["latent number", "KL, nats per picture", "code's spread / prior's"]
print(figures.table(rows, header, caption=f"Our VAE, {len(real)} real renders of {len(scenes)} trained scenes"))
print(
    f"<p>Per picture, the KL term costs <strong>{terms['kl']:.1f} nats</strong> over all "
    f"{kl.shape[1]} numbers; the rebuild term, for the detail those numbers buy back, costs "
    f"<strong>{terms['recon']:.0f} nats</strong>.</p>"
)
