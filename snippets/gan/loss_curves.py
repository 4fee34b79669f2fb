import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from painters.checkpoints import store
from painters.site import figures

history = store.load_history("gan")  # saved beside the checkpoint while it trained
with plt.rc_context(figures.chart_style()):
    fig, ax = plt.subplots(figsize=(5.6, 3.2))  # narrow enough that its words read on a phone
    ax.plot(history["step"], history["d_loss"], label="discriminator", color=figures.FAMILY_COLOURS["gan"])
    ax.plot(history["step"], history["g_loss"], label="generator", color=figures.FAMILY_COLOURS["real"], linestyle="--")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))  # four-digit steps need room apart
    ax.set_xlabel("training step")
    ax.set_ylabel("loss")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=2)
print(figures.svg_chart(fig, alt="The GAN's discriminator and generator losses over its training"))
