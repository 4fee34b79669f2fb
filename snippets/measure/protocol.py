from painters import canvas
from painters.measure import metrics

# The protocol's groups, read from the code that runs it (painters.measure.metrics.groups).
trained, held_out = metrics.groups().values()
print(
    f"<p>Every painter is asked for {len(trained[0])} of the {len(canvas.TRAIN_SCENES)} trained scenes "
    f"(every other one, the same half every time), {trained[1]} pictures each, and for the "
    f"{len(held_out[0])} held-out scenes, {held_out[1]} pictures each: "
    f"{len(trained[0]) * trained[1] + len(held_out[0]) * held_out[1]:,} pictures in all.</p>"
)
