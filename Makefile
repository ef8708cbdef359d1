# Khomun: `make demo` serves a demo on http://127.0.0.1:8000, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
KHOMUN := $(VENV)/bin/khomun

.PHONY: setup demo test lint messages clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	bash scripts/demo

test: setup
	bash scripts/test

lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	SECRET_KEY=check $(VENV)/bin/mypy khomun

# Re-extract and compile the Thai/English translations after changing visible strings.
messages: setup
	cd khomun && ../$(KHOMUN) makemessages -l en --no-obsolete --ignore 'tests/*'
	cd khomun && ../$(KHOMUN) compilemessages

clean:
	rm -rf $(VENV) node_modules var/static
