import numpy as np

from painters import canvas

scene = canvas.parse_prompt("a red bicycle parked on a beach at sunset")
rng = np.random.default_rng(0)
for _ in range(6):
    print("-", canvas.caption(scene, rng))  # six ways to say the same scene

print("\nTokens of the shared prompt:", canvas.encode("a red bicycle parked on a beach at sunset")[:10], "...")
print("Vocabulary size:", len(canvas.VOCAB))
