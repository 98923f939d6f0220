# Story-Genius: every target creates and fills .venv itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
DEMO_PROMPT ?= A lighthouse keeper befriends a lonely whale

.PHONY: demo test test-tools test-run test-fast lint serve bench fonts emulators browser clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# Caption and title fonts: the packages in infra/fonts.txt (apt-get as root, else unpacked into
# the user's font folder), for every script a narrator speaks.
fonts:
	@bash infra/scripts/install-fonts.sh

# Firestore and Cloud Tasks stand-ins, and the google provider's schema, for the tests
# (into .tools/).
emulators:
	@bash infra/scripts/install-emulators.sh
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

# One worker per core; a module stays on one worker, so its fixtures are made once
# (tests/conftest.py hands out the heavy modules first).
PYTEST_PARALLEL ?= -n auto --dist loadscope --no-loadscope-reorder

# The fonts first, then two steps of two things at once (the machine has 2 cores, and the first
# step mostly waits on downloads): the venv alongside the other test tools, then lint alongside
# the suite (mypy from scratch is ~30 s of one core, which the suite's workers leave idle at
# their start and end). A lint failure still fails `make test`, once the suite is done.
test: fonts
	@$(MAKE) --no-print-directory -j2 $(VENV)/.dev test-tools
	@$(MAKE) --no-print-directory -j2 --output-sync=line lint test-run

# After the fonts (both may run apt-get, which takes a lock): the browser, then the stand-ins.
test-tools:
	@$(MAKE) --no-print-directory browser
	@$(MAKE) --no-print-directory emulators

# The suite alone (make test's second step: the tools are installed by its first).
test-run: $(VENV)/.dev
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
