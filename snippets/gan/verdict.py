from painters import figures, gallery, gan, registry, world

model, _ = registry.load_model("gan")
real = world.render_prompt(world.SHARED_PROMPT, n=64, seed=11)
fake = gallery.paint("gan", world.SHARED_PROMPT, n=64, seed=11)
scenes = list(world.TRAIN_SCENES[::2])[:64]  # 64 different scenes: a batch like the ones it trained on
mixed = world.render_many(scenes, seed=11)

rows = []
for label, images, prompts in (
    ("real renders, one prompt", real, world.SHARED_PROMPT),
    ("GAN pictures, one prompt", fake, world.SHARED_PROMPT),
    ("real renders, 64 different prompts", mixed, [s.prompt for s in scenes]),
):
    scores = gan.discriminator_scores(model, images, prompts)  # the critic's verdict on each picture
    rows.append((label, f"{scores.mean():+.2f}", figures.percent(float((scores > 0).mean()))))
print(figures.table(rows, ["shown to the discriminator", "mean score", "scored above zero"]))
