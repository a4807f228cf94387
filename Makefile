# The README's commands. Every target installs what it needs first, and does nothing
# the second time round unless a lock file changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
UV := .uv/bin/uv
STAMPS := .stamps
MANAGE := $(PY) manage.py
DEBIAN_PACKAGES := chromium ffmpeg gettext fonts-noto-core fonts-noto-ui-core
CLUSTER_DEBIAN_PACKAGES := nginx postgresql redis-server
CLUSTER_ARGS ?= start
PYTEST_ARGS ?= -n auto
BENCH_ARGS ?=
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

help: ## list the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# A stamp says a step ran; when what it made is gone (a deleted .venv or node_modules),
# the step runs again.
ifeq ($(wildcard $(VENV)/bin/python),)
$(shell rm -f $(STAMPS)/python)
endif
ifeq ($(wildcard site/node_modules),)
$(shell rm -f $(STAMPS)/node)
endif
ifeq ($(wildcard tests/verifiers/node_modules),)
$(shell rm -f $(STAMPS)/verifiers)
endif

$(STAMPS):
	@mkdir -p $(STAMPS)

$(UV): | $(STAMPS)
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMPS)/python: uv.lock pyproject.toml $(UV) | $(STAMPS)
	$(UV) sync --frozen --python $(PYTHON) --quiet
	@touch $@

$(STAMPS)/node: site/package.json site/package-lock.json site/copy_vendor.py | $(STAMPS)
	cd site && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(PY) site/copy_vendor.py
	@touch $@

# The independent Open Badges 3.0 verifiers the tests run (tests/verifiers/package.json).
$(STAMPS)/verifiers: tests/verifiers/package.json tests/verifiers/package-lock.json | $(STAMPS)
	cd tests/verifiers && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# Debian packages that are missing, installed in one apt-get call: $(call debian_install,pkgs)
define debian_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@
endef

$(STAMPS)/debian: | $(STAMPS)
	$(call debian_install,$(DEBIAN_PACKAGES))

# `make cluster` and CI's cluster test need these (nginx in front of two app servers;
# PostgreSQL and Redis as CI runs them); .ci/run makes this stamp before its services pass.
$(STAMPS)/debian-cluster: | $(STAMPS)
	$(call debian_install,$(CLUSTER_DEBIAN_PACKAGES))

install: $(STAMPS)/debian $(STAMPS)/python $(STAMPS)/node $(STAMPS)/verifiers ## install Python, front-end and Debian packages

messages-compile: $(STAMPS)/python
	@$(MANAGE) compilemessages --ignore=.venv --ignore=.uv --ignore=var --ignore=site -v 0

# The interface languages (LANGUAGES in lms/settings/base.py), named one by one: `--all` would
# take locale/vendor/ (catalogues for libraries that ship none) for a language.
LOCALES := en vi ar km bn id es fr am ur ht st
LOCALE_FLAGS := $(foreach l,$(LOCALES),-l $(l))

messages: install ## extract interface strings into locale/ (then translate, then make messages-compile)
	$(MANAGE) makemessages $(LOCALE_FLAGS) --no-obsolete --ignore=.venv --ignore=.uv --ignore=var --ignore="site/node_modules" --ignore=tests --ignore=bench -v 0
	$(MANAGE) makemessages $(LOCALE_FLAGS) -d djangojs --no-obsolete --ignore=.venv --ignore=.uv --ignore=var --ignore="site/node_modules" --ignore="tests/verifiers/node_modules" --ignore="site/static/vendor" -v 0

# Static files are collected beside the database build (they need no database), and the
# system checks run once, when the server starts; `make demo` prints where the time went.
db: install messages-compile
	@set -e; started=$$(date +%s); mkdir -p var; \
	$(MANAGE) collectstatic --no-input -v 0 --skip-checks > var/collectstatic.log 2>&1 & static=$$!; \
	$(MANAGE) migrate --no-input -v 0; migrated=$$(date +%s); \
	MEDIA_DEMO_VIDEOS_IN_BACKGROUND=1 $(MANAGE) load_demo --skip-checks; loaded=$$(date +%s); \
	wait $$static || { cat var/collectstatic.log; exit 1; }; \
	echo "Demo database built in $$(( $$(date +%s) - started )) s (migrate $$(( migrated - started )) s, demo content $$(( loaded - migrated )) s)."

# The demo videos' renditions are made beside the dev server (var/demo-videos.log): the
# episode pages say "being prepared" for the first minute or two.
demo: db ## install everything, build the demo database and serve http://127.0.0.1:8000
	@$(MANAGE) demo_logins --skip-checks
	@mkdir -p var && ($(MANAGE) process_pending_videos > var/demo-videos.log 2>&1 &)
	$(MANAGE) runserver 127.0.0.1:8000

# The suite starts many Python processes (xdist workers, `manage.py` and settings checks
# in subprocesses): each reads the modules compiled once into var/pycache/, even where
# PYTHONDONTWRITEBYTECODE is set (as in CI's image), rather than compiling Django, Wagtail and
# the project again (10 s a process instead of 4; decision 0625).
PYCACHE := env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(CURDIR)/var/pycache

test: install messages-compile ## install everything and run the whole suite
	$(PYCACHE) $(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff, template lint, Django checks, migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint site/templates --lint --quiet
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

bench: install messages-compile ## measure speed and page weight into bench/results/latest.json
	$(PY) bench/run.py $(BENCH_ARGS)

# Two app servers behind nginx on 127.0.0.1:8200, sharing PostgreSQL (database lms_cluster),
# Redis (db 8) and var/cluster/shared/, with a Celery worker and beat (site/deploy/README.md).
# `make cluster CLUSTER_ARGS=stop` stops it; `status`, `restart` too.
cluster: install messages-compile $(STAMPS)/debian-cluster ## start two app servers behind nginx on 127.0.0.1:8200
	site/deploy/cluster.sh $(CLUSTER_ARGS)

clean: ## remove the demo database, media and installed packages
	rm -rf $(VENV) .uv $(STAMPS) site/node_modules tests/verifiers/node_modules site/static/vendor var db.sqlite3*

.PHONY: help install messages messages-compile db demo test lint bench cluster clean
