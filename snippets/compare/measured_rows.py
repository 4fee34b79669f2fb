import time

from painters import figures, scoring, training

started = time.perf_counter()
# Each painter: 64 samples for each of 8 prompts, judged, mapped to 0..10 (see the mapping above),
# and its time per image at batch 1 measured live.
measured = scoring.measured_rows()

print(scoring.score_table_html(measured, timed=True))  # the same function as the worked example
print(figures.provenance(training.FAMILIES, seed=0, started=started))
