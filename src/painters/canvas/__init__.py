"""Layer 1, the canvas: the toy world every painter learns from and is judged against.

scenes.py (the four attributes and every combination), words.py (the vocabulary, the prompt
parser, captions), drawing.py (the procedural renderer), dataset.py (captioned renders, cached),
png.py (grids of pictures in PNG files). Imports only painters.core.

The names a page or a reader needs are gathered here, so `from painters import canvas` then
`canvas.render_prompt(canvas.SHARED_PROMPT, 8)` reads like what it does.
"""

from painters.canvas.dataset import Dataset, make_dataset
from painters.canvas.drawing import LAYOUT_FIELDS, render, render_many, render_many_with_layout, render_prompt
from painters.canvas.scenes import (
    ALL_SCENES,
    ATTRIBUTES,
    COLOURS,
    HELD_OUT,
    MAX_SAMPLES,
    MAX_SEED,
    OBJECTS,
    PLACES,
    SHARED_PROMPT,
    SIZE,
    TIMES,
    TRAIN_SCENES,
    PromptError,
    Scene,
    check_count,
    check_seed,
)
from painters.canvas.words import (
    FILLER,
    MAX_PROMPT_CHARS,
    MAX_WORDS,
    SYNONYMS,
    VOCAB,
    caption,
    encode,
    parse_prompt,
    prompt_rules,
    words_of,
)

__all__ = [
    "ALL_SCENES", "ATTRIBUTES", "COLOURS", "FILLER", "HELD_OUT", "LAYOUT_FIELDS", "MAX_PROMPT_CHARS", "MAX_SAMPLES",
    "MAX_SEED", "MAX_WORDS", "OBJECTS", "PLACES", "SHARED_PROMPT", "SIZE", "SYNONYMS", "TIMES", "TRAIN_SCENES", "VOCAB",
    "Dataset", "PromptError", "Scene", "caption", "check_count", "check_seed", "encode", "make_dataset", "parse_prompt",
    "prompt_rules", "render", "render_many", "render_many_with_layout", "render_prompt", "words_of",
]  # fmt: skip
