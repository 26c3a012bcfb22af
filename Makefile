# The two commands: `make run` (the platform) and `make test` (the whole suite).
# Both set up everything on a fresh Debian/Ubuntu machine with Python 3.11.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv chromium lint stop clean

run: venv
	$(BIN)/python -m config.devrun

test: venv chromium
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m config.embedded exec --data .local/test -- $(BIN)/python -m pytest $(PYTEST_ARGS)

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11-venv; \
	  else echo "Instale python3.11-venv (apt-get install python3.11-venv)"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Browser tests drive Debian's Chromium; as root on Debian we install it ourselves.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Los tests de navegador necesitan Chromium: sudo apt-get install chromium"; exit 1; fi; }

lint: venv
	$(BIN)/ruff check .

# Stops the embedded services if a run was interrupted without stopping them.
stop: venv
	$(BIN)/python -m config.embedded stop
	$(BIN)/python -m config.embedded stop --data .local/test

clean: stop
	rm -rf .local $(VENV) staticfiles
