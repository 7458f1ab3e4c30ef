# Quick start: `make run` (app on http://localhost:8501 with demo data) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
PYTEST_ARGS ?=

.PHONY: run test lint bench demo-data screenshots clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) cli.py init --demo
	@echo "招商引资领导驾驶舱: http://localhost:$(PORT)"
	$(PY) -m streamlit run app.py --server.port $(PORT) \
		--server.maxUploadSize $$($(PY) -c "from data_access import settings as s; print(max(s.get('upload_max_mb'), s.get('map_max_mb')))")

test: $(VENV)/.dev
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(PY) -m ruff check .

bench: $(VENV)/.dev
	$(PY) -m bench.bench
	$(PY) -m bench.import_bench
	$(PY) -m bench.projects_bench
	$(PY) -m bench.page_bench

screenshots: $(VENV)/.dev
	ZSDASH_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest -n 2 tests/e2e

demo-data: $(VENV)/.runtime
	$(PY) -m sample_data.generate

clean:
	rm -rf $(VENV) data .pytest_cache
