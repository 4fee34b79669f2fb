import numpy as np
import torch

from painters import canvas
from painters.checkpoints import loading
from painters.families import autoregressive
from painters.site import figures

model, _ = loading.load_model("autoregressive")
prompt = torch.tensor([canvas.encode(canvas.SHARED_PROMPT)] * 4)
ids = autoregressive.sample_tokens(model, prompt, torch.Generator().manual_seed(0))

# The same four samples after 8, 16, 32 and all 64 tokens (unwritten rows stay grey).
steps = (8, 16, 32, 64)
images = np.stack([autoregressive.decode_tokens(model, ids[:, :n]) for n in steps], axis=1).reshape(-1, 32, 32, 3)
alt = "Four autoregressive samples, each shown after 8, 16, 32 and 64 tokens"
labels = [f"sample {i + 1}" for i in range(4)]
print(figures.image_grid(images, alt=alt, columns=len(steps), row_labels=labels,
                         column_labels=[f"{n} tokens" for n in steps]))  # fmt: skip
