# Two commands for a newcomer: `make run` (server with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install install-dev migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/flask --app wsgi db upgrade

demo: migrate
	$(BIN)/flask --app wsgi questionnaires load forms/
	$(BIN)/flask --app wsgi seed-demo

# gunicorn and the job worker together; Ctrl-C (or the end of either) stops both.
run: demo
	@echo "Mở http://127.0.0.1:$(PORT) — tài khoản mẫu ở trên (mật khẩu matkhau123)."
	@trap 'kill $$web $$worker 2>/dev/null; wait' INT TERM EXIT; \
	$(BIN)/flask --app wsgi jobs worker & worker=$$!; \
	$(BIN)/gunicorn --config gunicorn.conf.py --timeout 300 --bind 127.0.0.1:$(PORT) wsgi:app & web=$$!; \
	wait -n $$web $$worker

test: install-dev
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache
