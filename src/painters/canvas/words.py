"""The world's words: the vocabulary, the prompt parser, and the captions painters learn from.

Captions vary their wording (bike or bicycle, dusk or sunset, word order, filler words), so
a painter must read the words; a lookup table of the four attributes would not do.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import numpy as np

from painters.canvas.scenes import ATTRIBUTES, SHARED_PROMPT, PromptError, Scene

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "object": {
        "bicycle": ("bicycle", "bike", "cycle"),
        "ball": ("ball", "football"),
        "boat": ("boat", "sailboat", "dinghy"),
        "tree": ("tree",),
    },
    "colour": {
        "red": ("red", "crimson"),
        "blue": ("blue",),
        "yellow": ("yellow", "golden"),
        "green": ("green",),
    },
    "place": {
        "beach": ("beach", "sand", "seaside", "shore"),
        "meadow": ("meadow", "field", "grass"),
        "snow": ("snow", "snowfield"),
    },
    "time": {
        "noon": ("noon", "midday", "daytime"),
        "sunset": ("sunset", "dusk", "evening"),
        "night": ("night", "midnight"),
    },
}
FILLER = (
    "a", "an", "the", "on", "in", "at", "by", "of", "with", "and", "is", "under", "during",
    "parked", "lying", "resting", "standing", "left", "alone", "sky", "scene", "picture",
)  # fmt: skip
PAD = "<pad>"
WORD_TO_ATTRIBUTE: dict[str, tuple[str, str]] = {
    word: (name, value) for name, groups in SYNONYMS.items() for value, words in groups.items() for word in words
}
VOCAB: tuple[str, ...] = (PAD, *sorted(set(WORD_TO_ATTRIBUTE) | set(FILLER)))
WORD_INDEX = {word: i for i, word in enumerate(VOCAB)}
MAX_WORDS = 16  # the painters read at most this many words
MAX_PROMPT_CHARS = 200

_TOKEN = re.compile(r"[a-z]+")
_ALLOWED = re.compile(r"^[A-Za-z ,.;:!?'\-]*$")


def words_of(text: str) -> list[str]:
    """Split a prompt into lower-case words, rejecting anything the vocabulary cannot hold."""
    if not isinstance(text, str):
        raise PromptError(f"a prompt is text, not {type(text).__name__}")
    if len(text) > MAX_PROMPT_CHARS:
        raise PromptError(f"prompt is {len(text)} characters long; at most {MAX_PROMPT_CHARS} are read")
    if not _ALLOWED.fullmatch(text):  # fullmatch: `$` alone would let a final newline through
        bad = sorted({c for c in text if not _ALLOWED.fullmatch(c)})
        raise PromptError(f"prompt has characters outside letters and punctuation: {bad!r}")
    words = _TOKEN.findall(text.lower())
    if not words:
        raise PromptError(f"prompt is empty; try {SHARED_PROMPT!r}")
    unknown = [w for w in words if w not in WORD_INDEX]
    if unknown:
        hints = []
        for w in unknown:
            near = difflib.get_close_matches(w, VOCAB[1:], n=1, cutoff=0.6)
            hints.append(f"{w!r} (did you mean {near[0]!r}?)" if near else repr(w))
        raise PromptError(
            f"unknown word{'s' if len(unknown) > 1 else ''} {', '.join(hints)}. Known words: {', '.join(VOCAB[1:])}"
        )
    if len(words) > MAX_WORDS:
        raise PromptError(f"prompt has {len(words)} words; the painters read at most {MAX_WORDS}")
    return words


def parse_prompt(text: str) -> Scene:
    """Read a prompt into the scene it names: exactly one object, colour, place and time."""
    found: dict[str, list[str]] = {name: [] for name in ATTRIBUTES}
    for word in words_of(text):
        if word in WORD_TO_ATTRIBUTE:
            name, value = WORD_TO_ATTRIBUTE[word]
            if value not in found[name]:
                found[name].append(value)
    for name, values in found.items():
        if not values:
            words = ", ".join(w for ws in SYNONYMS[name].values() for w in ws)
            raise PromptError(f"prompt {text!r} names no {name}; add one of: {words}")
        if len(values) > 1:
            raise PromptError(f"prompt {text!r} names two {name}s: {' and '.join(values)}; keep one")
    return Scene(*(found[name][0] for name in ATTRIBUTES))


def encode(text: str) -> list[int]:
    """Token ids of a prompt, padded to MAX_WORDS. Checks the prompt names a whole scene."""
    parse_prompt(text)
    ids = [WORD_INDEX[w] for w in words_of(text)]
    return ids + [WORD_INDEX[PAD]] * (MAX_WORDS - len(ids))


def prompt_rules() -> dict[str, object]:
    """The vocabulary and the parsing rules as JSON-able data, for the in-browser painters.

    The site's JavaScript reads prompts with these (words_of, parse_prompt and encode ported to
    JS in docs/assets/painter/prompt.js), so a browser and Python accept, reject and encode the
    same prompts with the same messages; tests/test_export.py feeds both the same prompts. The
    regex patterns are Python's: JS translates Python's `$` (which also matches before a final
    newline). `close_match_cutoff` is the cutoff words_of passes to difflib."""
    return {
        "vocab": list(VOCAB),
        "pad": PAD,
        "max_words": MAX_WORDS,
        "max_prompt_chars": MAX_PROMPT_CHARS,
        "synonyms": {name: {value: list(ws) for value, ws in groups.items()} for name, groups in SYNONYMS.items()},
        "token_pattern": _TOKEN.pattern,
        "allowed_pattern": _ALLOWED.pattern,
        "close_match_cutoff": 0.6,
        "shared_prompt": SHARED_PROMPT,
    }


_TEMPLATES = (
    "{a} {c} {o} {v} {prep} {p} at {t}",
    "{a} {c} {o} {prep} {p} at {t}",
    "{c} {o} on the {p} at {t}",
    "at {t}, {a} {c} {o} {prep} {p}",
    "{t}: {a} {c} {o} {v} {prep} {p}",
    "{p} at {t} with {a} {c} {o}",
    "the {o} is {c}, {p}, {t}",
    "{a} picture of {a} {c} {o} {prep} {p} during the {t}",
    "{c} {o}, {p}, {t}",
    "{a} {c} {o} left alone {prep} {p} under the {t} sky",
)


def caption(scene: Scene, rng: np.random.Generator) -> str:
    """A randomly worded training caption for a scene."""

    def pick(options: Sequence[str]) -> str:
        return str(options[int(rng.integers(len(options)))])

    template = pick(_TEMPLATES)
    return template.format(
        a=pick(("a", "the")),
        c=pick(SYNONYMS["colour"][scene.colour]),
        o=pick(SYNONYMS["object"][scene.object]),
        v=pick(("parked", "lying", "resting", "standing")),
        prep=pick(("on the", "in the", "by the", "on a")),
        p=pick(SYNONYMS["place"][scene.place]),
        t=pick(SYNONYMS["time"][scene.time]),
    )
