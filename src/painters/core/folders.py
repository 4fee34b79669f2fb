"""Folders a command will write into, checked before it spends any time: there (or possible to
make), a folder and not a file, writable, and with room for what will be written.

A training run writes its checkpoint after up to an hour of work, an export after a minute, a
grid after the drawing: each checks its folders first with `check`, so that a read-only, full
or misnamed folder is refused at once with the folder's name and the fix, not found out by a
traceback at the end. Writability is tried, not guessed from the mode bits (root ignores
those; a read-only mount or an immutable folder refuses root too): a file of the check's own
is created in the folder and removed again.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

#: The longest name one folder or file may have (NAME_MAX on Linux and macOS).
MAX_NAME_BYTES = 255
#: Room left over beyond the estimate: filesystems round up, and the estimate is an estimate.
MARGIN_BYTES = 4 << 20


class FolderError(ValueError):
    """A folder that cannot take what a command would write; the message names it and the fix."""


def megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n < 1e9 else f"{n / 1e9:,.1f} GB"


def free_bytes(folder: Path) -> int:
    """Bytes free to this user on the filesystem holding folder."""
    return shutil.disk_usage(folder).free


def check_names(path: Path, what: str) -> None:
    """Refuse a path with a folder or file name longer than the filesystem takes (the last part
    was checked before; a long folder in the middle gave a traceback)."""
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > MAX_NAME_BYTES:
            shown = part if len(part) <= 40 else f"{part[:24]}...{part[-8:]}"
            raise FolderError(
                f"{what}: the name {shown!r} in {short(path)} is {size} bytes long; "
                f"a folder or file name may have at most {MAX_NAME_BYTES}"
            )


def short(path: Path) -> str:
    """A path for a message: whole when short, its two ends when absurdly long."""
    text = str(path)
    return text if len(text) <= 120 else f"{text[:60]}...{text[-40:]}"


def existing_ancestor(folder: Path, what: str) -> Path:
    """The nearest of folder and its parents that exists (the one a `mkdir -p` would write in);
    refused if it is a file, or if a path in between cannot even be looked at."""
    check_names(folder, what)
    here = folder if folder.is_absolute() else Path.cwd() / folder
    for candidate in (here, *here.parents):
        try:
            if candidate.is_dir():
                return candidate
            if candidate.exists() or candidate.is_symlink():
                kind = "a broken link" if not candidate.exists() else "a file"
                raise FolderError(
                    f"{what}: {short(candidate)} is {kind}, not a folder; move it away or choose another folder"
                )
        except OSError as error:
            raise FolderError(f"{what}: {short(candidate)} cannot be used ({error.strerror or error})") from None
    raise FolderError(f"{what}: no folder of {short(folder)} exists")  # not reached: / exists


def check(folder: Path, need_bytes: int, what: str, fix: str = "choose another folder") -> Path:
    """Refuse, before any work, a folder that `what` cannot be written into: one that is a file or
    lies under one, one this process may not write in, or one on a filesystem without room for
    need_bytes (plus a margin). A folder that does not exist yet is checked where it would be
    made. Returns the folder checked for writing (folder itself, or its nearest existing parent)."""
    base = existing_ancestor(folder, what)
    try:
        fd, probe = tempfile.mkstemp(prefix=".painters-write-check-", suffix=".tmp", dir=base)
    except OSError as error:
        reason = "it is read-only" if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else error.strerror
        raise FolderError(f"{what}: cannot write in {short(base)} ({reason}); {fix}") from None
    os.close(fd)
    os.unlink(probe)
    free = free_bytes(base)
    if free < need_bytes + MARGIN_BYTES:
        raise FolderError(
            f"{what}: {short(base)} has {megabytes(free)} free, and about {megabytes(need_bytes + MARGIN_BYTES)} "
            f"will be written there; free some space, or {fix}"
        )
    return base
