# Two commands do all set-up on a fresh machine:
#   make demo   create .venv if absent, install cilo into it, validate the bundled examples
#   make test   the same set-up, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev

.PHONY: demo test lint format clean examples bench docs fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes; the install is editable, so code and data
# changes are seen without it. The main job needs only cilo's runtime dependencies; the tests,
# benchmarks, documentation and linters add the dev extra.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV)

demo: $(STAMP)
	$(BIN)/cilo summary
	@echo
	@echo '$$ cilo validate examples/*.yaml'
	@$(BIN)/cilo validate examples/*.yaml; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo "(exit code $$rc: 0 = every initiative conforms, 1 = gaps found, as in the paper's missing sponsor)"

# The browser test needs Chromium and ChromeDriver, the endpoint tests Virtuoso 7: found, or installed from Debian's packages.
# The suite runs on every core (pytest-xdist), each worker taking the next test as it frees up; the
# examples of the documentation after it, in one process: those of a page share their names, in order.
test: $(DEV)
	bash tests/setup-system.sh
	$(BIN)/python -m pytest -n auto --dist worksteal tests
	$(BIN)/python -m pytest docs

# The examples are written by hand in YAML; their Turtle and CSV twins are written from them.
examples: $(STAMP)
	for f in examples/*.yaml; do \
	  $(BIN)/cilo convert $$f --to ttl -o $${f%.yaml}.ttl && \
	  $(BIN)/cilo convert $$f --to csv -o $${f%.yaml}.csv || exit 1; \
	done

# Validation, queries and loading at N = 100, 1,000, 10,000 synthetic initiatives; programmes, --on,
# timeline and diff at N = 10,000 (docs/benchmarks.md).
bench: $(DEV)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/programmes.py
	$(BIN)/python benchmarks/profile.py
	$(BIN)/python benchmarks/remote.py

# At least 10,000 mutated inputs through the loaders and the command line (tests/fuzz.py).
fuzz: $(DEV)
	$(BIN)/python tests/fuzz.py --inputs 10000 --queries 10000

# The generated documentation: the ontology reference (pyLODE) and the CLI reference.
docs: $(DEV)
	$(BIN)/python docs/build.py

lint: $(DEV)
	$(BIN)/ruff check src tests docs benchmarks
	$(BIN)/ruff format --check src tests docs benchmarks
	$(BIN)/mypy

format: $(DEV)
	$(BIN)/ruff format src tests docs benchmarks
	$(BIN)/ruff check --fix src tests docs benchmarks

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
