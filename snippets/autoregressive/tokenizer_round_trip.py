import numpy as np
import torch

from painters import figures, metrics, nn, registry, world

model, _ = registry.load_model("autoregressive")
real = world.render_many(list(world.TRAIN_SCENES[::18]), seed=3)  # eight real scenes

with torch.no_grad():
    ids, _ = model.tokenizer.encode(nn.to_tensor(real))  # 64 token ids per picture
    rebuilt = nn.to_pixels(model.tokenizer.decode(ids))
alt = "Eight real scenes, and the same scenes after the tokenizer"
print(figures.image_grid(np.concatenate([real, rebuilt]), alt=alt, columns=8, row_labels=["real", "64 tokens"]))
kept = metrics.sharpness(rebuilt) / metrics.sharpness(real)
print(f"<p>Sharpness kept by the tokenizer: {kept:.2f} of the original.</p>")
