import time

import matplotlib.pyplot as plt
import numpy as np

from painters import figures, scoring, training

started = time.perf_counter()

imagined = [b.total for _, b in scoring.score_rows(scoring.LESSON_ROWS)]
measured = [b.total for _, b in scoring.score_rows(scoring.measured_rows())]

with plt.rc_context(figures.chart_style()):
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    x = np.arange(len(imagined))
    ax.bar(x - 0.2, imagined, 0.4, label="lesson (imagined)", color=figures.FAMILY_COLOURS["real"])
    ax.bar(x + 0.2, measured, 0.4, label="measured here", color=[figures.FAMILY_COLOURS[f] for f in training.FAMILIES])
    ax.set_xticks(x, [r.family for r in scoring.LESSON_ROWS])
    ax.set_ylim(0, 10)
    ax.set_ylabel("lesson score (0..10)")
    ax.legend(loc="upper left")
alt = "Bar chart: the lesson's imagined score and our measured score for each family"
print(figures.svg_chart(fig, alt=alt, from_timings=True))  # the speed term uses live timings
print(figures.provenance(training.FAMILIES, seed=0, started=started))
