import numpy as np
import torch

from painters import canvas
from painters.checkpoints import loading
from painters.families import shared
from painters.measure import metrics
from painters.site import figures

model, _ = loading.load_model("autoregressive")
real = canvas.render_many(list(canvas.TRAIN_SCENES[::18]), seed=3)  # eight real scenes

with torch.no_grad():
    ids, _ = model.tokenizer.encode(shared.to_tensor(real))  # 64 token ids per picture
    rebuilt = shared.to_pixels(model.tokenizer.decode(ids))
alt = "Eight real scenes, and the same scenes after the tokenizer"
print(figures.image_grid(np.concatenate([real, rebuilt]), alt=alt, columns=8, row_labels=["real", "64 tokens"]))
kept = metrics.sharpness(rebuilt) / metrics.sharpness(real)
print(f"<p>Sharpness kept by the tokenizer: {kept:.2f} of the original.</p>")
