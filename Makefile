# Every target that runs Python first makes sure .venv exists and holds the project with its
# dev extras; a fresh clone needs nothing but python3 (3.9+) with venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install test lint docs demo bench soak clean

install: $(STAMP)

$(STAMP): setup.cfg setup.py pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check salesforcepy tests examples benchmarks
	$(PY) -m ruff format --check salesforcepy tests examples benchmarks
	$(PY) -m mypy

docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html

demo: $(STAMP)
	$(PY) examples/run_demo.py

bench: $(STAMP)
	$(PY) benchmarks/run.py

soak: $(STAMP)
	$(PY) benchmarks/soak.py

clean:
	rm -rf $(VENV) build dist *.egg-info docs/_build .pytest_cache .mypy_cache .ruff_cache
