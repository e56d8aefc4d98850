# Two commands: `make run` serves the API + chat, `make test` runs every test.
# Both create .venv and install the pinned dependencies on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test lint venv dev browser axe index bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned: pip takes the CPU build from this machine's disk.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e .
	touch $@

# The tests also install the optional Ray extra, so the Ray build is tested on a real local cluster.
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev,ray]'
	touch $@

venv: $(VENV)/.installed

dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

# axe-core, pinned in tests/a11y/package-lock.json, for the page's accessibility scans (Debian's npm if missing).
AXE := tests/a11y/node_modules/axe-core/axe.min.js
$(AXE): tests/a11y/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq npm; }
	cd tests/a11y && npm ci --no-audit --no-fund --silent
	touch $@

axe: $(AXE)

run: venv
	$(BIN)/rag serve

index: venv
	$(BIN)/rag index

# Lint and types first: a finding fails the run before the tests start.
lint: dev
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint browser axe
	$(BIN)/python -m pytest

bench: dev
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) index/current index/builds
