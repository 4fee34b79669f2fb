import matplotlib.pyplot as plt
import numpy as np

from painters import figures, registry, scoring

imagined = [b.total for _, b in scoring.score_rows(scoring.LESSON_ROWS)]
measured = [b.total for _, b in scoring.score_rows(scoring.measured_rows())]

with plt.rc_context(figures.chart_style()):
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    x = np.arange(len(imagined))
    ax.bar(x - 0.2, imagined, 0.4, label="the lesson (imagined)", color=figures.FAMILY_COLOURS["real"], hatch="//")
    ax.bar(x + 0.2, measured, 0.4, label="measured here", color=[figures.FAMILY_COLOURS[f] for f in registry.painters()])
    ax.set_xticks(x, [r.family for r in scoring.LESSON_ROWS])
    ax.set_ylim(0, 10)
    ax.set_ylabel("lesson score (0..10)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=2)  # below the bars, not on them
alt = "Bar chart: for each family, the lesson's imagined score (grey, hatched) beside our measured score (coloured)"
print(figures.svg_chart(fig, alt=alt, from_timings=True))  # the speed term uses live timings
