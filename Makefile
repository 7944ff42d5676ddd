# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/qamqor migrate --noinput
	$(BIN)/qamqor demo-data
	$(BIN)/qamqor serve

test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy qamqor

# Extract new strings (needs GNU gettext) and compile every catalogue in Python.
messages: $(VENV)/.installed-dev
	cd qamqor && ../$(BIN)/qamqor makemessages --locale kk --locale ru --locale en --no-obsolete --no-location
	$(BIN)/qamqor compile-translations

clean:
	rm -rf $(VENV) build *.egg-info
