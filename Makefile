VENV := .venv
PYTHON := $(VENV)/bin/python

.PHONY: run test

# The app's environment: made once, remade when pyproject.toml changes. Only what the app needs.
$(VENV)/.installed-app: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e .
	touch $@

# The tests add their tools and the scale extras (Milvus Lite, Ray Data) the scale tests drive.
$(VENV)/.installed-test: $(VENV)/.installed-app
	$(PYTHON) -m pip install --quiet -e ".[test,scale]"
	touch $@

# The web app on the sample corpus; the index is built on first launch.
run: $(VENV)/.installed-app
	$(PYTHON) app.py

test: $(VENV)/.installed-test
	$(PYTHON) -m pytest
