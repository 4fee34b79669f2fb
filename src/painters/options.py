"""The command line's options, each checked as argparse reads it (a bad one is refused with the
option's name and its allowed range), and the output path, checked before anything is drawn.

Only the standard library at the top: the package is imported where it is needed, inside
`python -m painters`'s main(), where a Ctrl-C during the seconds torch takes to load is quiet.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

MAX_SAMPLES = 1024  # canvas.MAX_SAMPLES (tests/test_cli.py checks they agree)
MAX_SEED = 2**32 - 1  # canvas.MAX_SEED
MAX_OUTPUT_PIXELS = 64 * 1024 * 1024  # a grid PNG larger than this is refused before it is drawn


class UsageError(Exception):
    """Bad input from the command line; the message is shown as is."""


def whole(text: str) -> int:
    """A whole number as typed (int() reads at most 4300 digits: a longer one is far too large)."""
    try:
        return int(text)
    except ValueError:
        if text.strip().lstrip("+-").isdigit():
            raise argparse.ArgumentTypeError(f"a number of {len(text.strip())} digits is far too large") from None
        typed = text if len(text) <= 30 else f"{text[:20]}... ({len(text)} characters)"
        raise argparse.ArgumentTypeError(f"{typed!r} is not a whole number") from None


def shown(n: int) -> str:
    """A number as typed, shortened when it is absurdly long."""
    return str(n) if len(str(n)) <= 30 else f"{str(n)[:12]}... ({len(str(n))} digits)"


def count(text: str) -> int:
    n = whole(text)
    if not 1 <= n <= MAX_SAMPLES:
        raise argparse.ArgumentTypeError(f"{shown(n)} images: ask for between 1 and {MAX_SAMPLES}")
    return n


def scale(text: str) -> int:
    n = whole(text)
    if not 1 <= n <= 32:
        raise argparse.ArgumentTypeError(f"scale {shown(n)}: use 1 to 32")
    return n


def seed(text: str) -> int:
    n = whole(text)
    if not 0 <= n <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{shown(n)}: use a whole number from 0 to {MAX_SEED}")
    return n


def threads(text: str) -> int:
    from painters.core import machine

    n = whole(text)
    if not 1 <= n <= machine.thread_limit():
        raise argparse.ArgumentTypeError(
            f"{shown(n)}: at least 1, and at most {machine.thread_limit()} on this machine ({os.cpu_count()} cores)"
        )
    return n


def check_output(path: Path, pixels: int = 0) -> None:
    from painters.core import folders

    if not str(path).strip() or path.name in ("", ".", ".."):
        raise UsageError("output path is empty: name a .png file, e.g. -o grid.png")
    size = len(os.fsencode(path.name))  # a name that is not UTF-8 is kept as its bytes (surrogateescape)
    if size > 200:
        raise UsageError(f"output file name is {size} bytes long; use at most 200")
    if pixels > MAX_OUTPUT_PIXELS:
        raise UsageError(
            f"that grid would be {pixels / 1e6:.0f} million pixels (at most {MAX_OUTPUT_PIXELS / 1e6:.0f}); "
            "ask for fewer pictures (-n) or a smaller --scale"
        )
    if path.suffix.lower() != ".png":
        raise UsageError(f"output {path}: only .png is written; name it e.g. {path.with_suffix('.png').name}")
    folders.check_names(path, "output")
    parent = path.parent if str(path.parent) else Path(".")
    try:
        if not parent.is_dir():
            raise UsageError(f"output folder {folders.short(parent)} does not exist; create it first")
        if path.is_dir() or (path.exists() and not os.access(path, os.W_OK)):
            raise UsageError(f"cannot write {folders.short(path)}: it is a folder, or read-only; name another file")
    except OSError as error:
        raise UsageError(f"output {folders.short(path)}: {error.strerror or error}") from None
    # A PNG of noise hardly compresses: room for every pixel's three bytes.
    folders.check(parent, pixels * 3, f"output {folders.short(path)}", "name a file in another folder")


def setting(text: str) -> tuple[str, object]:
    """KEY=VALUE for --set; the value is read as JSON (4, 0.5, true) or kept as text."""
    import json

    from painters.core import files

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text[:40]!r}: write KEY=VALUE, e.g. beta=4")
    try:
        return key, files.parse_json(value)
    except json.JSONDecodeError:
        return key, value
    except ValueError as error:  # nested absurdly deep
        raise argparse.ArgumentTypeError(f"{key[:40]}=...: {error}") from None


def name(text: str) -> str:
    from painters.families import registry

    try:
        return registry.check_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive(text: str) -> int:
    n = whole(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{shown(n)}: must be at least 1")
    return n
