from painters import canvas
from painters.checkpoints import loading
from painters.families import gan
from painters.measure import gallery
from painters.site import figures

model, _ = loading.load_model("gan")
real = canvas.render_prompt(canvas.SHARED_PROMPT, n=64, seed=11)
fake = gallery.paint("gan", canvas.SHARED_PROMPT, n=64, seed=11)
scenes = list(canvas.TRAIN_SCENES[::2])[:64]  # 64 different scenes: a batch like the ones it trained on
mixed = canvas.render_many(scenes, seed=11)

rows = []
for label, images, prompts in (
    ("real renders, one prompt", real, canvas.SHARED_PROMPT),
    ("GAN pictures, one prompt", fake, canvas.SHARED_PROMPT),
    ("real renders, 64 different prompts", mixed, [s.prompt for s in scenes]),
):
    scores = gan.discriminator_scores(model, images, prompts)  # the critic's verdict on each picture
    rows.append((label, f"{scores.mean():+.2f}", figures.percent(float((scores > 0).mean()))))
print(figures.table(rows, ["shown to the discriminator", "mean score", "scored above zero"]))
