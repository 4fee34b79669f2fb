from painters import scoring

# Each painter on the whole world (140 scenes x 16 pictures, captions in varied wording), judged,
# mapped to 0..10 (see the mapping above), and its time per picture at batch 1 timed live.
measured = scoring.measured_rows()
print(scoring.score_table_html(measured, timed=True))  # the same function as the worked example
