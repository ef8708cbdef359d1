# Khomun: `make demo` serves a demo on http://127.0.0.1:8000, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
KHOMUN := $(VENV)/bin/khomun

.PHONY: setup demo test lint messages clean bench loadtest

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

# Benchmarks of issue 7 on a PostgreSQL database of their own (made and filled on the
# first run, about 2 minutes; BENCH_DATABASE_URL to choose another). BENCHMARKS.md.
$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

BENCH_ARGS ?= --import-rows 10000

bench: setup $(VENV)/.bench-installed
	$(VENV)/bin/python -m bench.run $(BENCH_ARGS)

# The deadline-day load test: gunicorn (2 workers) + locust, LOADTEST_DURATION seconds (300).
loadtest: setup $(VENV)/.bench-installed
	$(VENV)/bin/python -m bench.loadtest.run

clean:
	rm -rf $(VENV) node_modules var/static
