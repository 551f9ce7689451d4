# pa-tui: every target makes .venv when missing and installs what it needs; a second run is quick.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pa-tui/demo.db

.PHONY: run demo test lint format bench snapshot-update clean pyc

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Bytecode up front: where PYTHONDONTWRITEBYTECODE is set, every `pa add` would recompile (~15 ms).
pyc: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null

run: pyc
	$(BIN)/pa

demo: pyc
	@test -f $(DEMO_DB) || $(BIN)/pa --db $(DEMO_DB) demo
	$(BIN)/pa --db $(DEMO_DB)

test: pyc
	$(BIN)/python -m pytest -q -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: pyc
	$(BIN)/python -m bench $(if $(QUICK),--quick,) $(if $(ONLY),--only $(ONLY),)

snapshot-update: $(STAMP)
	$(BIN)/python -m pytest -q tests -k snapshot --snapshot-update

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
