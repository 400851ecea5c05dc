# Two commands do all set-up on a fresh machine:
#   make interview   - a mock interview on the built-in bank (offline grader unless a key is set)
#   make test        - lint, format check, type check and the whole test suite
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: interview test system-deps

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system-deps:
	@bash scripts/system-deps.sh

interview: $(BIN)/.installed
	$(BIN)/interviewer practice

test: $(BIN)/.installed system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest
