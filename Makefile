# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
STAMPS    := build/stamps
PIPELINE  := build/spacy/en_myositis
MODEL     := models/myositis.tar.gz
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 3

KNOWLEDGE_FILES := $(shell find knowledge -type f -name '*.yml' 2>/dev/null)
TRAIN_INPUTS    := config.yml domain.yml $(shell find data -type f -name '*.yml' 2>/dev/null)


.PHONY: help setup pipeline kb migrate train run test bench lint typecheck eval clean lock FORCE

help:
	@echo "make run    set up everything and start the assistant (ports in README.md)"
	@echo "make test   set up everything and run the whole test suite"
	@echo "make eval   train, then report figures on the held-out sets and on real patients' wording"
	@echo "make bench  benchmarks against a stock Rasa assistant (benchmarks/README.md)"
	@echo "make lint   ruff and mypy"

# --- set-up -----------------------------------------------------------------------------------
$(STAMPS)/venv: requirements.lock requirements-bootstrap.lock tools/find-python310
	@mkdir -p $(STAMPS)
	@if [ ! -x $(PY) ]; then \
		python=$$(tools/find-python310) || exit 1; \
		echo "creating $(VENV) with $$python"; \
		"$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bootstrap.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

setup: $(STAMPS)/venv $(STAMPS)/npm

# Browser libraries the widget serves itself (socket.io client) and its tests use (axe-core).
$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMPS)/pipeline: $(STAMPS)/venv knowledge/vocabulary.yml bot/nlp/pipeline_builder.py bot/nlp/english.py \
		bot/knowledge/vocabulary.py
	$(PY) -m bot pipeline build --out $(PIPELINE)
	@touch $@

pipeline: $(STAMPS)/pipeline

kb: $(STAMPS)/venv $(KNOWLEDGE_FILES)
	$(PY) -m bot kb load

# The volunteer console's tables; each migration runs once per database, so this is cheap.
migrate: $(STAMPS)/venv
	$(PY) -m bot db migrate

# Which training files there are: rewritten only when one is added or removed, so that removing
# a file retrains too (make compares the times of files that exist, and a removed one has none).
$(STAMPS)/train-files: FORCE
	@mkdir -p $(STAMPS)
	@printf '%s\n' $(TRAIN_INPUTS) | sort > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

# Rasa's fingerprinting skips training when nothing it knows of changed; a rebuilt spaCy pipeline
# is invisible to it (it fingerprints the path), so that case forces a retrain.
$(MODEL): $(STAMPS)/pipeline $(STAMPS)/train-files $(TRAIN_INPUTS)
	$(RASA) train --fixed-model-name myositis --out models \
		$(if $(filter $(STAMPS)/pipeline,$?),--force,)
	@touch $@

train: $(MODEL)

# --- the two commands -------------------------------------------------------------------------
run: kb migrate $(MODEL) $(STAMPS)/npm
	$(PY) -m bot serve

test: lint kb migrate $(MODEL) $(STAMPS)/npm
	$(PY) -m pytest

# Not part of `make test`: it takes 7 to 15 minutes and wants a quiet machine.
bench: kb $(MODEL) $(STAMPS)/npm
	$(PY) -m benchmarks

# --- quality ----------------------------------------------------------------------------------
lint: $(STAMPS)/venv
	$(VENV)/bin/ruff check bot actions tests benchmarks tools
	$(VENV)/bin/ruff format --check bot actions tests benchmarks tools
	$(VENV)/bin/mypy

# Starts the action and Rasa servers on EVAL_PORT_BASE+55 and +5 (default 17000) for the
# real-language set; about 3.5 minutes in all.
eval: kb $(MODEL)
	$(PY) -m bot eval

lock: $(STAMPS)/venv
	$(PY) -m pip freeze --all | grep -vE '^(pip|setuptools|wheel)==' | sort -f \
		| sed '1i # Every package the install uses, pinned. Regenerate with make lock.' > requirements.lock
	$(PY) -m tools.runtime_lock

clean:
	rm -rf build models var artifacts node_modules .pytest_cache .mypy_cache .ruff_cache
