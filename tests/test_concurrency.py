"""Two at once: two processes filling the same cache entries, and two site builds sharing a cache.

`make check` and a contributor's `make serve` can run side by side on one clone, and CI can run
two jobs on one runner: both then paint the same pictures into the same .cache/samples. Each
must come out whole, the same as the other, with no temporary file left behind (cache.py writes
through a temporary file of each writer's own and replaces the entry in one step). The first
test turns the entries' locks off, so that the two really write the same files at once; the
second keeps them, as a real build does (one paints an entry, the other waits and reads it).

Both tests run on a project folder of tiny checkpoints (checkpoint_home.py), as separate
processes pointed at it with PAINTERS_HOME.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
from checkpoint_home import copy_home

from painters import canvas

# A child painter: waits for the word go, paints every entry, then reads them all back. The
# first entries' writes wait for the other child to be about to write the same entry, so the
# two really do replace the same file at the same moment.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    import numpy as np

    import contextlib

    from painters.core import cache, machine, paths
    from painters.measure import gallery

    me, cache_dir, meeting, out = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    paths.CACHE_DIR = cache_dir
    machine.use_threads(1)
    cache._making = lambda path: contextlib.nullcontext()  # no entry locks: both paint every entry and write it
    write, forced = cache.write, [0]

    def write_together(path, key, arrays):
        if forced[0] < 4:  # the first entries: meet the other writer first
            forced[0] += 1
            (meeting / f"{path.name}.{me}").touch()
            deadline = time.monotonic() + 30
            while not (meeting / f"{path.name}.{1 - me}").exists() and time.monotonic() < deadline:
                time.sleep(0.001)
        write(path, key, arrays)

    cache.write = write_together
    (meeting / f"ready.{me}").touch()
    while not (meeting / "go").exists():
        time.sleep(0.001)
    requests = [(family, seed) for family in ("gan", "vae") for seed in range(6)]
    prompt = "a red bicycle parked on a beach at sunset"
    painted = [gallery.paint(family, prompt, 128, seed=seed) for family, seed in requests]
    again = [gallery.paint(family, prompt, 128, seed=seed) for family, seed in requests]
    assert all((a == b).all() for a, b in zip(painted, again))
    np.save(out, np.stack(painted))
    print(f"forced {forced[0]} meetings")
    """
)


def start(argv: list[str], home: Path, **env: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PAINTERS_HOME": str(home), "OMP_NUM_THREADS": "1", "NO_MKDOCS_2_WARNING": "1", **env}
    return subprocess.Popen(argv, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(procs: list[subprocess.Popen[str]], timeout: float = 240) -> list[tuple[int, str, str]]:
    results = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            results.append((proc.returncode, out, err))
    finally:
        for proc in procs:
            proc.kill()
    return results


def test_two_processes_fill_the_same_cache_entries_at_once(tmp_path):
    home = copy_home(tmp_path / "home")
    cache_dir, meeting = tmp_path / "shared-cache", tmp_path / "meeting"
    meeting.mkdir()
    procs = [
        start([sys.executable, "-c", CHILD, str(me), str(cache_dir), str(meeting), str(tmp_path / f"{me}.npy")], home)
        for me in (0, 1)
    ]
    deadline = time.monotonic() + 120
    while not all((meeting / f"ready.{me}").exists() for me in (0, 1)) and time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in procs):
            break
        time.sleep(0.01)
    (meeting / "go").touch()
    results = finish(procs)
    for code, out, err in results:
        assert code == 0, err
        assert "forced 4 meetings" in out
        assert "discarding" not in err, err  # no reader ever found a half-written or foreign file
    first, second = (np.load(tmp_path / f"{me}.npy") for me in (0, 1))
    assert first.shape == (12, 128, canvas.SIZE, canvas.SIZE, 3)
    assert (first == second).all()
    entries = sorted((cache_dir / "samples").iterdir())
    assert [p.suffix for p in entries] == [".npz"] * 12, [p.name for p in entries]  # no temporary left
    assert len({first[i].tobytes() for i in range(12)}) == 12  # twelve different requests, twelve entries


MKDOCS_YML = """\
site_name: Two builds at once
theme: mkdocs
plugins:
  - markdown-exec:
      languages: []
markdown_extensions:
  - pymdownx.snippets:
      base_path: ["."]
      check_paths: true
  - pymdownx.superfences:
      custom_fences:
        - name: python
          class: python
          validator: !!python/name:markdown_exec.validator
          format: !!python/name:painters.site.blocks.timed_formatter
"""

PAGE = """\
# Painted at build

```python exec="on" source="above" html="1"
--8<-- "snippets/paint.py"
```
"""

SNIPPET = """\
import hashlib

from painters.measure import gallery
from painters.site import figures

images = gallery.paint("gan", "a red bicycle parked on a beach at sunset", 16, seed=1)
more = gallery.paint("vae", "a blue ball in a meadow at noon", 64, seed=2)
print(figures.image_grid(images, "sixteen tiny-GAN pictures of a red bicycle on a beach at sunset"))
print(f"<p>vae: {hashlib.sha256(more.tobytes()).hexdigest()}</p>")
"""

MEASURED = re.compile(r'<span class="measured">[^<]*</span>')


def test_two_site_builds_at_once_share_the_cache_and_agree(tmp_path):
    home = copy_home(tmp_path / "home")
    (home / "mkdocs.yml").write_text(MKDOCS_YML)
    (home / "docs").mkdir()
    (home / "docs" / "index.md").write_text(PAGE)
    (home / "snippets").mkdir()
    (home / "snippets" / "paint.py").write_text(SNIPPET)
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    build = [mkdocs, "build", "--strict", "--site-dir"]
    procs = [start([*build, f"site{i}"], home, SOURCE_DATE_EPOCH="0") for i in (1, 2)]  # one build date
    for code, _, err in finish(procs):
        assert code == 0, err[-3000:]
        assert "WARNING" not in err, err[-3000:]
    first, second = ((home / f"site{i}" / "index.html").read_text() for i in (1, 2))
    assert '<img class="pixelated"' in first
    assert 'class="provenance"' in first
    assert "<code>gan</code>" in first  # the checkpoints it was drawn from
    assert "<code>vae</code>" in first
    assert MEASURED.sub("#", first) == MEASURED.sub("#", second)  # the block's time aside, the same page
    entries = sorted((home / ".cache" / "samples").iterdir())
    assert [p.suffix for p in entries] == [".npz", ".npz"], [p.name for p in entries]
