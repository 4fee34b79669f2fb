import matplotlib.pyplot as plt
import numpy as np
from matplotlib.legend_handler import HandlerTuple

from painters.families import registry
from painters.measure import lesson
from painters.site import figures

imagined = [b.total for _, b in lesson.score_rows(lesson.LESSON_ROWS)]
measured = [b.total for _, b in lesson.score_rows(lesson.measured_rows())]
colours = [figures.FAMILY_COLOURS[f] for f in registry.painters()]

with plt.rc_context(figures.chart_style()):
    fig, ax = plt.subplots(figsize=(5.6, 3.8))
    y = np.arange(len(imagined))[::-1]  # the first family on top, its name beside its bars
    theirs = ax.barh(y + 0.2, imagined, 0.38, color="none", edgecolor=figures.CHART_INK, hatch="///")
    ours = ax.barh(y - 0.2, measured, 0.38, color=colours)
    ax.bar_label(theirs, fmt="%.1f", padding=4)
    ax.bar_label(ours, fmt="%.1f", padding=4)
    ax.set_yticks(y, [r.family for r in lesson.LESSON_ROWS])
    ax.set_xlim(0, 11)
    ax.set_xticks([0, 2, 4, 6, 8, 10])
    ax.set_xlabel("lesson score (0..10)")
    # Keys that match: the hatched outline, and all four family colours for "measured here".
    ax.legend([theirs[0], tuple(ours)], ["the lesson (imagined)", "measured here"], ncols=2,
              handler_map={tuple: HandlerTuple(ndivide=None, pad=0)}, loc="upper center",
              bbox_to_anchor=(0.4, -0.22), handlelength=3)  # fmt: skip
alt = (
    "Bar chart: for each family, the lesson's imagined total (hatched outline) above our measured total "
    "(in the family's colour), on the lesson's 0 to 10 scale"
)
print(figures.svg_chart(fig, alt=alt, from_timings=True))  # the speed term uses live timings
