# The two commands of the README:
#   make course   install the course into .venv and open it in JupyterLab
#   make test     install what the tests need into .venv and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: course test install install-test browser sandbox exercises lint

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# stamps: install again only when the package's requirements change
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml tools/lab-overrides.json | $(PY)
	$(PY) -m pip install --quiet -e .
	# course-wide JupyterLab defaults: no prompt about news feeds on first start
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/lab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	# nbgrader is there for its compatibility test only: the course's JupyterLab stays as students see it
	$(VENV)/bin/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	for ext in formgrader validate_assignment assignment_list course_list; do \
	    $(VENV)/bin/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$ext >/dev/null 2>&1; done
	touch $@

browser:
	./tools/ensure-chromium

# bubblewrap: the grader runs each submission's kernel in it
sandbox:
	./tools/ensure-bubblewrap

# JupyterLab refuses to run as root unless told (containers, cloud notebooks)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Serve the whole course folder (so lesson -> exercise links work) and open on the start page.
START_PAGE := /lab/tree/notebooks/00_start.ipynb
LAB_FLAGS := --ServerApp.root_dir=. --LabApp.default_url=$(START_PAGE) --LabApp.news_url=None

course: install
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) $(LAB_FLAGS)

test: export OPENBLAS_NUM_THREADS = 1
test: install-test browser sandbox
	$(PY) -m ruff check coursepkg tests benchmarks
	$(PY) -m pytest -n 2 --dist loadfile --durations=30
