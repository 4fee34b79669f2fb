from painters.measure import lesson
from painters.site import scoring as scoring_html
from painters.site import verdicts

# Every sentence below is generated from the two sets of rows, largest disagreement first; where a
# claim of the lesson bears on a rating, its explanation is the claim's own (see the table above).
print(scoring_html.honest_reading(lesson.LESSON_ROWS, lesson.measured_rows(), reasons=verdicts.reasons()))
