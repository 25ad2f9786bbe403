# The two commands of the README:
#   make course   install the course into .venv and open it in JupyterLab
#   make test     install what the tests need into .venv and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: course test install install-test browser exercises lint

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -e .

install-test: $(PY)
	$(PY) -m pip install --quiet -e ".[test]"

browser:
	./tools/ensure-chromium

# JupyterLab refuses to run as root unless told (containers, cloud notebooks)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

course: install
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/00_start.ipynb

test: export OPENBLAS_NUM_THREADS = 1
test: install-test browser
	$(PY) -m ruff check coursepkg tests benchmarks
	$(PY) -m pytest -n 2 --dist loadfile
