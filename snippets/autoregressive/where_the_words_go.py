from painters import canvas
from painters.checkpoints import loading
from painters.families import autoregressive
from painters.site import figures

model, _ = loading.load_model("autoregressive")
words = canvas.words_of(canvas.SHARED_PROMPT)  # the prompt as the world reads it, word by word
length, dim = autoregressive.LENGTH, model.config.dim
choices = model.head.out_features  # the output layer: one score per thing the next token can be
vocabulary = len(canvas.VOCAB) - 1  # the world's words (the first entry is padding)
rows = [
    ("position 0", f"the prompt: its {len(words)} words, read by a separate text encoder into one vector "
                   f"of {dim} numbers"),
    (f"positions 1 to {length - 1}", "the picture tokens written so far, one codebook entry each"),
    ("each position predicts", f"the next picture token: {choices} choices, one per codebook entry"),
    ("words it can write", f"none: the {vocabulary} words of the world's vocabulary are not among its choices"),
]  # fmt: skip
print(figures.table(rows, ["our transformer's sequence", "what is there"], caption=f"Prompt: {canvas.SHARED_PROMPT}"))
