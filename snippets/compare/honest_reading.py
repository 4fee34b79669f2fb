from painters import claims, scoring

# Every sentence below is generated from the two sets of rows, largest disagreement first; where a
# claim of the lesson bears on a rating, its explanation is the claim's own (see the table above).
print(scoring.honest_reading(scoring.LESSON_ROWS, scoring.measured_rows(), reasons=claims.reasons()))
