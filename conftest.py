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
