"""Build the site beside the last good one, and swap it in only when the build succeeds.

`make site` (and so `make check` and CI) runs this: `mkdocs build --strict` into a new folder
next to SITE (default site/), then, on success, SITE is replaced by it in two renames; on
failure (a broken page, a strict warning, Ctrl-C) the new folder is deleted and SITE is left
exactly as it was. MkDocs on its own empties its site folder first, so a build that failed
half way used to leave no site at all.

    python scripts/build_site.py [SITE] [--mkdocs PATH]

Two builds at once each build in a folder of their own and take turns to swap.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import filelock


def swap(new: Path, site: Path) -> None:
    """Put the finished build `new` in place of `site`: the old one moves aside, the new one in,
    then the old one is deleted. A reader of site/ sees the old site or the new one."""
    lock = filelock.FileLock(site.with_name(f".{site.name}.lock"))
    with lock:
        old = site.with_name(f".{site.name}-old-{os.getpid()}")
        if site.is_symlink() or site.is_file():
            site.unlink()
        elif site.exists():
            os.rename(site, old)
        os.rename(new, site)
        shutil.rmtree(old, ignore_errors=True)
        Path(lock.lock_file).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="site", type=Path, help="the site folder (default site)")
    parser.add_argument("--mkdocs", default=str(Path(sys.executable).with_name("mkdocs")), help="the mkdocs to run")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # cleans up, as Ctrl-C does
    site: Path = args.site.absolute()
    site.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{site.name}-new-", dir=site.parent))
    proc = None
    try:
        proc = subprocess.Popen([args.mkdocs, "build", "--strict", "--site-dir", str(new)])
        code = proc.wait()
        if code == 0:
            swap(new, site)
            print(f"build_site: the new site is in {args.site}")
            return 0
        print(f"build_site: the build failed (exit {code}); {args.site} is left as it was", file=sys.stderr)
        return code
    except KeyboardInterrupt:
        print(f"build_site: interrupted; {args.site} is left as it was", file=sys.stderr)
        return 130
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait()
        shutil.rmtree(new, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
