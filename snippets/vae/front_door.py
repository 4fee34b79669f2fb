from painters import canvas
from painters.checkpoints import loading

model, manifest = loading.load_model("vae")
pixels = canvas.SIZE * canvas.SIZE * 3
latent = manifest.config["latent_dim"]
print(f"A picture is {pixels} numbers; the VAE's latent keeps {latent}: {pixels / latent:.0f} times fewer.")
