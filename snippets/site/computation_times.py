import time

from painters import figures

started = time.perf_counter()

# Every block executed while this site was built, timed by the fence formatter that runs it
# (mkdocs.yml routes python fences through figures.timed_formatter). This page is built last.
# Kept out of the search index: its rows change order with every build (slowest first).
print(f"<div data-search-exclude>{figures.computation_times()}</div>")
print(figures.provenance(None, None, started, source="timed by figures.timed_formatter in this build"))
