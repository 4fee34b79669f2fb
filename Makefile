# Four painters, one canvas. Every command the README mentions is spelled out here, once.
# Each target creates the virtual environment it needs, so `make serve` and `make test` work on
# a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-run the install when the project's dependencies change.
STAMP := $(VENV)/.installed
# The in-page painters' runtime (onnxruntime-web) and the browser gate's tools come from npm.
NODE_STAMP := node_modules/.installed

export NO_MKDOCS_2_WARNING := 1
export MPLBACKEND := Agg
# One torch (OpenMP) thread per process unless you say otherwise: the blocks are small, and on a
# shared 2-core machine two threads per process run ~10x slower, not 2x (docs/performance.md).
export OMP_NUM_THREADS ?= 1
export PAINTERS_THREADS ?= 1

.PHONY: venv serve site test lint clean

venv: $(STAMP)

# torch is installed first and pinned: any other torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[docs,test,dev]'
	touch $(STAMP)

serve: venv $(NODE_STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Rebuilds only the page you saved (about a second for most pages, instead of every page's code
# again). A change to a snippet or to src/ is not seen by the page until you save the page too.
# The build copies the in-page painters' runtime from node_modules (onnxruntime-web, pinned).
# `make site` builds beside site/ and swaps the new site in only when the build succeeds: a
# failed or interrupted build leaves the last good site/ as it was (scripts/build_site.py).
site: venv $(NODE_STAMP)
	$(BIN)/python scripts/build_site.py site

# One worker per core (pytest-xdist), each with one torch thread, a whole file to a worker in the
# order conftest.py gives (the heaviest first); TEST_JOBS=0 runs everything in this process.
# --durations: the slowest tests are named at the end, so a slow run says where its time went.
# The in-page painters' tests (and the Performance page's runtime size) read onnxruntime-web's
# files from node_modules, so a fresh clone's `make test` installs them too.
TEST_JOBS ?= auto
test: venv $(NODE_STAMP)
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder --durations=15

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src

clean:
	rm -rf site build artifacts .pytest_cache .mypy_cache .ruff_cache

# Retrain every committed checkpoint from scratch, JOBS at a time with one torch thread each
# (see the Performance page for the measured time); the run is recorded in benchmarks/retrain.json.
.PHONY: checkpoints bench
JOBS ?= 2
checkpoints: venv
	$(BIN)/python scripts/train_all.py --jobs $(JOBS)

# Build, serve-rebuild, test and sampling timings into benchmarks/bench.json, and the in-browser
# painters' times into benchmarks/browser.json (both on the Performance page; Chromium and Node from check-tools).
bench: check-tools
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_browser.py

# --- The whole gate: `make check` -------------------------------------------------------------
# lint, a strict build, the fast tests, then the built site as a reader's browser sees it
# (tests/browser: every page in Chromium at desktop and phone width, light/dark, search, axe-core,
# links, vnu) and a second clean build compared byte for byte (tests/test_determinism.py).
# Needs Debian's chromium and Java 17+ on the machine (.ci/run installs them); the Python and
# Node tools come from the `check` extra and package.json.
.PHONY: check check-tools browser browser-timed browser-checks determinism second-build same-builds lighthouse
CHECK_STAMP := $(VENV)/.installed-check
DETERMINISM := build/determinism

# The strict build and the tests run side by side: they run the same page code, and .cache/'s
# locks (src/painters/core/cache.py) hand each picture to whichever paints it first, the other reads it,
# so the two share one cold painting instead of each paying for it. Their output interleaves (live,
# not held back until each ends). Then the page-load timings, alone; then the other browser checks
# beside the second build (those checks mostly wait on the browser, the build is one core's work);
# then the two builds compared.
check: check-tools lint
	$(MAKE) --no-print-directory -j2 site test
	$(MAKE) --no-print-directory browser-timed
	$(MAKE) --no-print-directory -j2 browser-checks second-build
	$(MAKE) --no-print-directory same-builds
	@echo "make check: all passed"

check-tools: $(CHECK_STAMP) $(NODE_STAMP)

$(CHECK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[docs,test,dev,check]'
	touch $@

# --ignore-scripts: vnu-jar's postinstall would look for (and try to download) a Java; the jar
# itself ships in the package, and Java comes from Debian.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Checks the site in site/ as it is: run `make site` first (make check does). The page-load
# timings (DOMContentLoaded, test_every_page_is_fast_and_light) run first and alone, in a fresh
# browser on a machine doing nothing else; every other check then runs one worker per core.
BROWSER_TIMED := test_every_page_is_fast_and_light
browser: check-tools
	$(MAKE) --no-print-directory browser-timed
	$(MAKE) --no-print-directory browser-checks

browser-timed: check-tools
	$(BIN)/pytest -p no:cacheprovider tests/browser/test_reader.py -k $(BROWSER_TIMED)

browser-checks: check-tools
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_JOBS) --dist loadfile --durations=15 tests/browser -k 'not $(BROWSER_TIMED)'

# A second strict build in a fresh copy of the working tree, with a .cache/ of its own, then the
# comparison with site/. The copy starts with the first build's painted pictures and ring runs
# (.cache/samples, .cache/ring: what costs most of a cold build): each is keyed by the weights'
# and the code's hashes, and that sampling gives the same pictures for a seed is pinned by the
# unit tests; everything else (the training set, the ONNX exports, the labs, every page) is made
# again. PYTHONPATH makes the copy import its own src/ (and so use its own checkpoints/ and
# .cache/) instead of the editable install's; node_modules is linked, not copied.
determinism: venv site
	$(MAKE) --no-print-directory second-build
	$(MAKE) --no-print-directory same-builds

# The two halves of `make determinism`, for `make check` (which has built site/ already).
second-build: venv
	test -f site/index.html || { echo "no site/ to compare with: make site first"; exit 1; }
	rm -rf $(DETERMINISM) && mkdir -p $(DETERMINISM)/tree/.cache
	git ls-files -z --cached --others --exclude-standard \
		| tar --null --files-from=- --ignore-failed-read -cf - | tar -xf - -C $(DETERMINISM)/tree
	for kept in samples ring; do test ! -d .cache/$$kept || cp -r .cache/$$kept $(DETERMINISM)/tree/.cache/; done
	ln -sfn $(CURDIR)/node_modules $(DETERMINISM)/tree/node_modules
	cd $(DETERMINISM)/tree && PYTHONPATH=$(CURDIR)/$(DETERMINISM)/tree/src $(CURDIR)/$(BIN)/mkdocs build --strict --site-dir ../site

same-builds: venv
	PAINTERS_SITE_B=$(DETERMINISM)/site PAINTERS_TREE_B=$(CURDIR)/$(DETERMINISM)/tree \
		$(BIN)/pytest -p no:cacheprovider tests/test_determinism.py

# Lighthouse (desktop and mobile) on the home page and one chapter into benchmarks/lighthouse.json,
# shown on the Performance page. Reported, not gated, so not part of `make check`.
lighthouse: check-tools site
	$(BIN)/python scripts/lighthouse.py
