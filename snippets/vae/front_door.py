from painters import registry, world

model, manifest = registry.load_model("vae")
pixels = world.SIZE * world.SIZE * 3
latent = manifest.config["latent_dim"]
print(f"A picture is {pixels} numbers; the VAE's latent keeps {latent}: {pixels / latent:.0f} times fewer.")
