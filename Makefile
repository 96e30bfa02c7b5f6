VENV := .venv
PYTHON := $(VENV)/bin/python

.PHONY: run test

# The environment: made once, remade when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[test,scale]"
	touch $@

# The web app on the sample corpus; the index is built on first launch.
run: $(VENV)/.installed
	$(PYTHON) app.py

test: $(VENV)/.installed
	$(PYTHON) -m pytest
