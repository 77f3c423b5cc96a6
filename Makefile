# Every target that needs the tool depends on .venv, so a fresh clone needs nothing but python3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE_CLOWDAPP := fixtures/example/clowdapp.yaml
EXAMPLE_MANIFESTS := fixtures/example/rendered.yaml

.PHONY: setup test lint report bench bench-hostile golden clean

# The tool alone (what `make report` needs), then the development tools and the Helm SDK (244 MB) on top.
$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: $(VENV)/.base
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check koku_gap tests bench
	$(BIN)/ruff format --check koku_gap tests bench
	$(BIN)/mypy koku_gap tests bench

report: $(VENV)/.base
	$(BIN)/gap-report --clowdapp $(EXAMPLE_CLOWDAPP) --manifests $(EXAMPLE_MANIFESTS) --format markdown --fail-on none

golden: setup
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

bench: setup
	$(BIN)/python bench/run.py

bench-hostile: setup
	$(BIN)/python bench/hostile.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
