# Two entry points for a fresh machine: `make demo` builds the shipped agreement's documents into out/,
# `make test` runs the whole test suite (lint, types, tests). Both bootstrap .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/reports build --out-dir out data/zhejiang-alibaba-2023.yaml data/zhejiang-alibaba-2023.zh-Hans.yaml data/example-three-party.yaml

test: $(STAMP)
	$(BIN)/ruff check reports tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/pytest -n auto --dist worksteal

bench: $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) out build dist *.egg-info
