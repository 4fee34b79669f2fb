"""Arrays kept between runs in `.cache/`: written atomically, checked on every read.

The build keeps what is slow to make and certain to come out the same (the training set,
each painter's samples for the pages) in `.cache/`, one `.npz` file per entry. Such a file
must never be able to lie, so each one carries the key of what made it and the sha256 of its
arrays, and a read checks the file is a regular file inside the cache folder, loads without
pickles, has the expected arrays, shapes and dtypes, was made for this key and matches its
digest. Anything else (zeros written over it, a truncated copy, garbage, a pickle, another
entry's file, a symlink out of the tree, a folder where the file should be) is discarded with
a warning that names the file, and the entry is made again. A cache folder that cannot be
written (read-only, full, or a file) is refused before an entry is made, naming the folder.

Writes go to a temporary file with a name of its own in the same folder, then replace the
entry in one step, so two builds filling the same entry at once both succeed, and an
interrupted write leaves no half-written entry. While a process makes an entry it holds a lock
on it (filelock, on a hidden `.NAME.lock` beside it), so a second process wanting the same
entry waits and reads the first one's copy instead of making it again; inside `deferring()` it
is told so (`BusyError`) and can make other entries first (metrics.paint_all does: two test workers
measuring the same painter share its chunks). The lock only saves work; the atomic replace is
what keeps the entry whole.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
import shutil
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import filelock
import numpy as np

from painters.core import files, folders

log = logging.getLogger("painters.cache")

Shapes = Mapping[str, tuple[tuple[int, ...], str]]  # array name -> (shape, dtype name)

_KEY, _DIGEST = "__key__", "__digest__"


def digest(arrays: Mapping[str, np.ndarray]) -> str:
    """sha256 over the arrays' names, dtypes, shapes and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _check(path: Path, key: str, shapes: Shapes) -> dict[str, np.ndarray]:
    """The arrays kept at path, or ValueError saying what is wrong with the file."""
    if path.is_symlink() or not path.is_file():
        raise ValueError("not a regular file")
    folder = path.parent.resolve()
    if path.resolve().parent != folder:
        raise ValueError("points outside the cache folder")
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {name: f[name] for name in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as error:
        raise ValueError(f"unreadable ({type(error).__name__}: {error})") from None
    expected = set(shapes) | {_KEY, _DIGEST}
    if set(data) != expected:
        raise ValueError(f"holds {sorted(data)}, expected {sorted(expected)}")
    if str(data.pop(_KEY)) != key:
        raise ValueError("was made for another entry")
    recorded = str(data.pop(_DIGEST))
    for name, (shape, dtype) in shapes.items():
        if data[name].shape != tuple(shape) or data[name].dtype != np.dtype(dtype):
            raise ValueError(f"{name} is {data[name].dtype} {data[name].shape}, expected {dtype} {tuple(shape)}")
    if digest(data) != recorded:
        raise ValueError("its contents do not match their digest")
    return data


def write(path: Path, key: str, arrays: Mapping[str, np.ndarray]) -> None:
    """Keep arrays at path: a temporary file of this writer's own, then one atomic replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {**arrays, _KEY: np.array(key), _DIGEST: np.array(digest(arrays))}

    def save(tmp: Path) -> None:
        with tmp.open("wb") as f:
            np.savez(f, **payload)

    files.replace_atomically(path, save)


FIX = "set PAINTERS_HOME to a project folder you can write in"


class BusyError(Exception):
    """Another process is making this entry right now (raised only inside `deferring()`)."""


_DEFER = contextvars.ContextVar("painters_cache_defer", default=False)


@contextlib.contextmanager
def deferring() -> Iterator[None]:
    """Inside, asking for an entry that another process is making raises BusyError at once instead of
    waiting for it, so that a caller with several entries to fill can make the others first."""
    token = _DEFER.set(True)
    try:
        yield
    finally:
        _DEFER.reset(token)


@contextlib.contextmanager
def _making(path: Path) -> Iterator[None]:
    """Hold the entry's lock while it is made (see the module's note)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(path.with_name(f".{path.name}.lock"), timeout=0 if _DEFER.get() else -1)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise BusyError(str(path)) from None
    try:
        yield
    finally:
        Path(lock.lock_file).unlink(missing_ok=True)  # a process still waiting on it wakes, finds the entry made
        lock.release()


def arrays(
    path: Path, key: str, shapes: Shapes, make: Callable[[], Mapping[str, np.ndarray]], *, lock: bool = True
) -> dict[str, np.ndarray]:
    """The arrays of a cache entry: read back and checked, or made (and kept) when there is no
    trustworthy copy. `make` must return arrays of exactly `shapes`. With lock=False two
    processes may make the entry at once (for an entry whose `make` fills other, locked entries
    that the two should share rather than one wait on the other)."""
    if path.exists() or path.is_symlink():
        try:
            return _check(path, key, shapes)
        except ValueError as problem:
            log.warning("discarding cache file %s (%s); making it again", path, problem)
    folders.check(path.parent, 0, f"the cache entry {path.name}", FIX)
    with _making(path) if lock else contextlib.nullcontext():
        if path.exists() and not path.is_symlink():  # made by another process while this one waited
            with contextlib.suppress(ValueError):
                return _check(path, key, shapes)
        return _make(path, key, shapes, make)


def _make(path: Path, key: str, shapes: Shapes, make: Callable[[], Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    made = {name: np.asarray(a) for name, a in make().items()}
    for name, (shape, dtype) in shapes.items():
        if name not in made or made[name].shape != tuple(shape) or made[name].dtype != np.dtype(dtype):
            got = f"{made[name].dtype} {made[name].shape}" if name in made else "nothing"
            raise ValueError(f"cache entry {path.name}: {name} came out as {got}, expected {dtype} {tuple(shape)}")
    extra = sorted(set(made) - set(shapes))
    if extra:  # kept, such a file would never read back (_check wants exactly `shapes`)
        raise ValueError(f"cache entry {path.name}: made extra arrays {', '.join(extra)} beyond {sorted(shapes)}")
    if path.is_symlink():
        path.unlink()
    elif path.is_dir():  # a folder where the entry's file belongs: discarded like any bad copy
        shutil.rmtree(path)
    write(path, key, made)
    return made
