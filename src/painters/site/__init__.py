"""Layer 7, the site: the MkDocs hooks (hooks.py, prebuild.py, notebooks.py, search.py), the
pages' executed blocks (blocks.py), and everything that turns measurements into HTML
(figures.py, diagrams.py, verdicts.py, scoring.py). The top layer: it may import any other,
none imports it."""
