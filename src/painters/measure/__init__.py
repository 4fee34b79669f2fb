"""Layer 4, measurement: the judge reading pictures (judge.py), every metric and the protocol
(metrics.py), the committed painters' pictures and measurements once a build (gallery.py),
timings (timing.py), the lesson's experiments (experiments.py, ring.py), its claims with their
verdicts (claims.py) and its score arithmetic (lesson.py). Imports core, canvas, families and
checkpoints; never HTML (that is site/)."""
