# Story-Genius: every target creates and fills .venv itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
DEMO_PROMPT ?= A lighthouse keeper befriends a lonely whale

.PHONY: demo test test-tools test-run test-fast lint serve bench fonts emulators stand-ins \
	provider-schema browser clean

# uv installs the same pinned wheels as pip (same resolution, checked with `pip freeze`) from
# its own cache: the dev venv in 3 s and 0.7 CPU-s where pip took 70 s and 25 CPU-s from pip's
# cache (2-core machine at load 12). It comes from PyPI through pip, into .tools/uv (--target
# needs no venv). The venv is seeded with pip, so `.venv/bin/pip install` works as before.
UV_VERSION := 0.13.8
UV         := $(CURDIR)/.tools/uv/bin/uv
export UV_PYTHON_DOWNLOADS := never

# Python writes bytecode in these runs even where the machine's environment says not to (this one
# sets PYTHONDONTWRITEBYTECODE=1): uv installs no .pyc, and every worker and every Python process a
# test starts (a served instance, a spawned assembly task, the CLI) would otherwise compile what
# it imports again. Collecting the suite: 15.7 CPU-s without .pyc, 7.0 with them.
unexport PYTHONDONTWRITEBYTECODE

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --upgrade --target .tools/uv uv==$(UV_VERSION)

$(VENV)/.runtime: requirements.txt | $(UV)
	$(UV) venv --quiet --seed --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(PY) -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(UV) pip install --quiet --python $(PY) -r requirements-dev.txt
	touch $@

# Caption and title fonts: the packages in infra/fonts.txt (apt-get as root, else unpacked into
# the user's font folder), for every script a narrator speaks.
fonts:
	@bash infra/scripts/install-fonts.sh

# Firestore and Cloud Tasks stand-ins, and the google provider's schema, for the tests
# (into .tools/).
emulators: stand-ins provider-schema

stand-ins: | $(UV)
	@UV=$(UV) bash infra/scripts/install-emulators.sh

provider-schema:
	@bash infra/scripts/install-provider-schema.sh

# Headless Chromium for the Studio's browser tests (tests/browser/).
browser:
	@bash infra/scripts/install-browser.sh

demo: $(VENV)/.runtime fonts
	$(PY) main.py make "$(DEMO_PROMPT)" --seconds 30 --aspect 9:16 --resolution 1080p --out out/demo

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# One worker per core; a work unit (a module, or all of tests/browser) stays on one worker, so
# its fixtures are made once; the costliest units go first (tests/support/scheduling.py).
# --no-loadscope-reorder keeps that order (xdist would sort the units by their number of tests).
PYTEST_PARALLEL ?= -n auto --dist loadscope --no-loadscope-reorder

# The fonts first (they and the browser may run apt-get, which takes a lock), then the rest at
# once: the venv, the browser, the stand-ins and the provider schema (they mostly wait on
# downloads and the disk: 19 s on a clean clone at load 11 with uv's and npm's caches warm, where
# pip alone took 70 s), lint as soon as the venv is there (mypy from scratch is ~30 s of one core,
# which the install leaves idle), and the suite once every tool is there. A lint failure still
# fails `make test`, once the suite is done (-k: the suite runs all the same).
test: fonts
	@$(MAKE) --no-print-directory -j4 -k --output-sync=line lint test-run

test-tools: $(VENV)/.dev browser emulators

# The suite alone (the tools are installed first; once they are, that checks in a blink).
test-run: test-tools
	$(PY) -m pytest -q $(PYTEST_PARALLEL)

# The quick loop: unit tests and the contract suites of the local adapters and the provider
# stand-ins (no cloud emulator, no rendered job), in under a minute.
test-fast: $(VENV)/.dev
	$(PY) -m pytest -q $(PYTEST_PARALLEL) tests/unit tests/contract -m "not slow and not emulator"

serve: $(VENV)/.runtime fonts
	$(PY) main.py serve

# The naive MoviePy baseline: moviepy 2.2.1 declares pillow<12, which would downgrade our pinned
# pillow 13; it runs fine on 13, so it is installed without its declared dependencies.
$(VENV)/.bench: $(VENV)/.dev
	$(PIP) install --quiet --no-deps moviepy==2.2.1 decorator==5.3.1 imageio==2.38.1 proglog==0.1.12 python-dotenv==1.2.4
	touch $@

bench: $(VENV)/.bench fonts
	$(PY) bench/assembly.py
	$(PY) bench/split_assembly.py
	$(PY) bench/cold_start.py
	$(PY) bench/rerender.py
	$(PY) bench/latency.py
	$(PY) bench/cost.py
	$(PY) bench/caption_styles.py

clean:
	rm -rf $(VENV) .tools .storygenius out .pytest_cache .mypy_cache .ruff_cache
