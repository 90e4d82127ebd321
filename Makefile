# Xiangcun — the two commands: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export XIANGCUN_HOME := $(CURDIR)

.PHONY: help setup run test lint typecheck migrations-check test-sqlite test-postgres test-browser tour bench system-deps pdf-font messages clean

help:
	@echo "make run    — set up, migrate, load the 聊城 demo if empty, serve on http://$(HOST):$(PORT)"
	@echo "make test   — set up and run the whole suite (lint, types, migrations, SQLite, PostgreSQL, browser)"
	@echo "make bench  — run the benchmarks, results in benchmarks/results/*.json"
	@echo "make tour   — walk the partner loop in the browser and refresh its screenshots in docs/tour/"

# Idempotent: creates .venv and installs the locked dependencies only when the lock or project changed.
setup: $(STAMP) src/xiangcun/locale/en/LC_MESSAGES/django.mo

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . 2>&1 | { grep -v '^WARNING: Location' || true; }
	@touch $(STAMP)

src/xiangcun/locale/en/LC_MESSAGES/django.mo: src/xiangcun/locale/en/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { echo "installing gettext (msgfmt)"; scripts/apt-install gettext; }
	msgfmt --check -o $@ $<

.env:
	@umask 077; sed "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > .env
	@echo "created .env with a fresh SECRET_KEY"

run: setup .env pdf-font
	$(BIN)/xiangcun migrate --no-input -v 0
	$(BIN)/xiangcun demo --scale city --if-empty
	$(BIN)/xiangcun collectstatic --no-input -v 0
	@echo ""
	@echo "  乡村振兴合伙人数字平台  →  http://$(HOST):$(PORT)/"
	@echo "  示例账号 demo logins (password xiangcun-demo-2026): admin · city · county · county2 · town · cadre · partner · public"
	@echo ""
	$(BIN)/xiangcun serve --host $(HOST) --port $(PORT) --worker

# The agreements' PDFs embed a TrueType CJK font (WenQuanYi Zen Hei). Installed when we can;
# without it the platform runs and the PDF pages say what is missing.
pdf-font:
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || scripts/apt-install fonts-wqy-zenhei \
	  || echo "warning: fonts-wqy-zenhei not installed; agreement PDFs will ask for it"

# ---------------------------------------------------------------- tests
test: setup system-deps lint typecheck migrations-check test-sqlite test-postgres test-browser
	@echo "make test: all checks passed"

system-deps:
	@command -v initdb >/dev/null || test -x /usr/lib/postgresql/15/bin/initdb || scripts/apt-install postgresql
	@command -v chromium >/dev/null || scripts/apt-install chromium fonts-noto-cjk
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || scripts/apt-install fonts-noto-cjk
	@$(MAKE) --no-print-directory pdf-font

lint: setup
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/ruff format --check src tests benchmarks conftest.py
	$(BIN)/lint-imports

typecheck: setup
	DEBUG=true $(BIN)/mypy

migrations-check: setup
	DEBUG=true $(BIN)/xiangcun makemigrations --check --dry-run

test-sqlite: setup
	XIANGCUN_TESTING=true $(BIN)/pytest -m "not browser" -n 2 -q

test-postgres: setup system-deps
	scripts/with-postgres env XIANGCUN_TESTING=true $(BIN)/pytest -m "not browser" -n 2 -q

test-browser: setup system-deps
	XIANGCUN_TESTING=true $(BIN)/pytest -m browser -q

# The tour (tests/browser/test_tour.py) with its screenshots written to docs/tour/ (and its README).
tour: setup system-deps
	XIANGCUN_TESTING=true XIANGCUN_TOUR_DIR=docs/tour $(BIN)/pytest -m browser -q tests/browser/test_tour.py

bench: setup
	@command -v wrk >/dev/null || scripts/apt-install wrk  # the HTTP load generator of bench_http
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "openfisca-core==46.0.1" 2>&1 | { grep -v '^WARNING: Location' || true; }
	XIANGCUN_TESTING=true $(BIN)/python -m benchmarks

messages: setup
	cd src/xiangcun && DEBUG=true ../../$(BIN)/xiangcun makemessages -l en --no-obsolete

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
