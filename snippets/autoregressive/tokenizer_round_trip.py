import time

import numpy as np
import torch

from painters import figures, judge, nn, training, world

started = time.perf_counter()
model, _ = training.load_model("autoregressive")
real = world.render_many(list(world.TRAIN_SCENES[::18]), seed=3)  # eight real scenes

with torch.no_grad():
    ids, _ = model.tokenizer.encode(nn.to_tensor(real))  # 64 token ids per image
    rebuilt = nn.to_pixels(model.tokenizer.decode(ids))
print(
    figures.image_grid(
        np.concatenate([real, rebuilt]), alt="Real scenes above, the same scenes after the tokenizer below", columns=8
    )
)
print(
    f"<p>Sharpness kept by the tokenizer: {judge.sharpness(rebuilt) / judge.sharpness(real):.2f} of the original.</p>"
)
print(figures.provenance("autoregressive", seed=3, started=started))
