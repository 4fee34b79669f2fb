from painters.measure import lesson
from painters.site import scoring as scoring_html

# Each painter on the protocol (metrics.groups(): the measured scenes, captions in varied wording), judged,
# mapped to 0..10 (see the mapping above), and its time per picture at batch 1 timed live.
measured = lesson.measured_rows()
print(scoring_html.score_table_html(measured, timed=True))  # the same function as the worked example
