# Kbang Desktop: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test test-pg lint unit venv extract update compile bench clean dist dist-test installer guide

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

compile: $(STAMP)  ## compile the gettext catalogs (.po -> .mo) and Qt's own strings in Vietnamese (.ts -> .qm)
	$(BIN)/pybabel compile --domain kbang --directory translations --statistics
	$(BIN)/pyside6-lrelease -silent translations/qt/qtbase_vi.ts -qm translations/qt/qtbase_vi.qm

extract: $(STAMP)  ## collect every marked string into translations/kbang.pot
	$(BIN)/pybabel extract --mapping babel.cfg --keywords "_ N_ ngettext:1,2 pgettext:1c,2" \
		--add-comments TRANSLATORS: --sort-by-file --project "Kbang Desktop" --msgid-bugs-address "" \
		--output-file translations/kbang.pot src/kbang_desktop

update: extract  ## merge the template into the vi and en catalogs
	$(BIN)/pybabel update --domain kbang --input-file translations/kbang.pot --output-dir translations \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/python tools/fill_source_catalog.py translations/vi/LC_MESSAGES/kbang.po

run: $(STAMP) compile  ## start the application on its own demo database
	$(BIN)/python tools/run_desktop.py --demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/lint-imports --no-cache

unit: $(STAMP) compile
	$(BIN)/python -m pytest -q

test: $(STAMP) compile lint unit dist-test  ## every check

dist: $(STAMP) compile  ## the one-folder build: dist/kbang-desktop/ with kbang-desktop and kbang (build_installer.spec)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller build_installer.spec

installer: dist  ## wrap dist/kbang-desktop/ into dist/KbangDesktop-<version>-setup.exe (needs NSIS: makensis)
	cd installer && makensis -V2 -DVERSION=$$($(BIN)/python -c "import kbang_desktop; print(kbang_desktop.__version__)") kbang-desktop.nsi

dist-test: dist  ## smoke test of the built programs: each runs its --self-test (temporary database, certificate)
	env -u QT_QPA_PLATFORM dist/kbang-desktop/kbang --self-test
	env -u QT_QPA_PLATFORM dist/kbang-desktop/kbang-desktop --self-test

test-pg: $(STAMP) compile  ## every test, the hub also on a throw-away PostgreSQL server (as CI does)
	@dir=$$(mktemp -d); url=$$(tools/pg_test_server.sh start $$dir) || exit 1; \
	KBANG_TEST_PG=$$url $(BIN)/python -m pytest -q; rc=$$?; tools/pg_test_server.sh stop $$dir; exit $$rc

guide: $(STAMP) compile  ## the user guide and the hub page as PDFs (Vietnamese, English) in build/guide/
	$(BIN)/python tools/guide_pdf.py build/guide

screenshots: $(STAMP) compile  ## a picture of each area on the demo data, in docs/screenshots/
	$(BIN)/python tools/screenshots.py

bench: $(STAMP) compile  ## benchmarks (not part of the test run); see bench/README.md
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
	find translations -name '*.mo' -delete
