from painters.measure import judge
from painters.site import figures

verdicts = judge.controls(n=64, seed=5)  # 64 pictures of each kind, made fresh
rows = [
    (kind, figures.percent(v["called a scene"]), figures.percent(v["object named"])) for kind, v in verdicts.items()
]
print(figures.table(rows, ["what the judge was shown", "called a scene", "named an object"]))
