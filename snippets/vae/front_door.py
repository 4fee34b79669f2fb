from painters import training, vae, world

model, _ = training.load_model("vae")
pixels = world.SIZE * world.SIZE * 3
latent = vae.latent_size(model)
print(f"A picture is {pixels} numbers; the VAE's latent keeps {latent}: {pixels / latent:.0f} times fewer.")
