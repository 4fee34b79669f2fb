"""Root conftest: pytest collects every Python fence in docs/**/*.md through Sybil.

It lives at the root because a tests/conftest.py does not see files under docs/.
The parser is tests/sybil_markdown.py; tests/test_docs.py checks that it misses nothing.
"""

import os
import sys
from pathlib import Path

# Pages draw figures at build time; tests never open a window.
os.environ.setdefault("MPLBACKEND", "Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

from sybil_markdown import make_sybil

pytest_collect_file = make_sybil().pytest()


# `make test` runs the suite on one worker per core (pytest-xdist, a whole file to a worker).
# The files that paint the most on a fresh clone (pages that measure every painter on the whole
# world, and the claims) go first, so that the workers paint those pictures together (cache.py's
# locks hand each chunk to one of them) instead of one worker painting alone at the end.
# The browser's ring trainer under Node (tests/test_ring_browser.py, minutes of CPU) also goes
# early, so that it does not run alone at the end.
FIRST = ("docs/compare.md", "docs/diffusion.md", "docs/gan.md", "tests/test_claims.py", "tests/test_ring_browser.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(FIRST)))  # stable: the rest keep their order
