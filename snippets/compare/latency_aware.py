from painters.measure import lesson
from painters.site import figures

measured = lesson.measured_rows()
fastest = min(r.seconds for r in measured)
rows = []
for r in measured:
    score = lesson.lesson_score(r.sharpness, r.prompt_match, r.diversity, r.seconds).total
    speed = lesson.latency_speed_score(r.seconds, fastest)  # 10 for the fastest, -4 per tenfold
    aware = 0.35 * r.sharpness + 0.35 * r.prompt_match + 0.20 * r.diversity + 0.10 * speed
    cells = (f"{r.seconds * 1000:.2f} ms", f"{score:.2f}", f"{speed:.2f}", f"{aware:.2f}")
    rows.append((r.family, *(figures.measured(c) for c in cells)))  # all depend on live timings
header = ["painter", "time per picture", "lesson score", "latency-aware speed", "latency-aware score"]
print(figures.table(rows, header))
