"""Writing files so that a reader never sees half of one, and hashing the code that made one."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path


def umask() -> int:
    """The process's file-creation mask (read without changing it for good)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def replace_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file of this writer's own beside `path`, then replace `path` in
    one step: a reader sees the old file or the new one, never a part; an interrupted write
    leaves the old file and no temporary behind; two writers at once both succeed."""
    tmp = ""
    # Ctrl-C and SIGTERM wait while the temporary file is created and named: one arriving in
    # between would leave it behind. Held signals land just after, inside the cleanup's reach.
    held = {signal.SIGINT, signal.SIGTERM}
    blocking = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held) if blocking else None
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
        finally:
            if previous is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        os.close(fd)
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask())  # the mode a plain open() would give, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


def _code_of(path: Path) -> str:
    """The code of a Python file without its comments, docstrings and formatting."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    return ast.dump(tree, annotate_fields=False)


def code_hash(paths: Iterable[Path]) -> str:
    """sha256 over the code in some Python files (not their comments, docstrings or formatting):
    the key of a cache entry that this code made. (Checkpoints are keyed by behaviour instead.)"""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(_code_of(path).encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


#: How deep a JSON file the project reads may nest (a manifest nests three levels; a file nested
#: thousands deep is an attack on the parser, and anything deeper than this is refused).
MAX_JSON_DEPTH = 32


def parse_json(data: bytes | str) -> object:
    """JSON (a file's bytes, or text) as Python values; ValueError saying why not: not UTF-8, not
    JSON, or nested deeper than MAX_JSON_DEPTH levels (a RecursionError later, in whatever walks it)."""
    try:
        # UnicodeDecodeError and JSONDecodeError are ValueErrors
        value = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except RecursionError:
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep")
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return value
