import time

import matplotlib.pyplot as plt

from painters import figures, store

started = time.perf_counter()

history = store.load_history("gan")  # saved beside the checkpoint while it trained
with plt.rc_context(figures.chart_style()):
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    for key, colour in (("d_loss", figures.FAMILY_COLOURS["gan"]), ("g_loss", figures.FAMILY_COLOURS["real"])):
        ax.plot(history["step"], history[key], label=key.replace("_", " "), color=colour, linewidth=2)
    ax.set_xlabel("training step")
    ax.set_ylabel("loss (averaged over 10 steps)")
    ax.legend()
print(
    figures.svg_chart(fig, alt="The GAN's discriminator and generator losses over training, rising and falling in turn")
)
print(figures.provenance("gan", None, started, source="losses from its saved training log"))
