from painters import scoring

# Every sentence below is generated from the two sets of rows, so it cannot drift from them.
print(scoring.honest_reading(scoring.LESSON_ROWS, scoring.measured_rows()))
