# `make demo` and `make test` each create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BACKENDS := tensorflow jax
EXTRAS := tensorflow-cpu,jax,dev

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/python -m zoo.demo

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pytest exits 5 when it collects nothing: any non-zero status fails the target.
test: lint
	@for backend in $(BACKENDS); do \
		echo "== tests on the $$backend backend"; \
		KERAS_BACKEND=$$backend $(BIN)/python -m pytest -q || exit 1; \
	done

bench: $(VENV)/.installed
	@for backend in $(BACKENDS); do \
		KERAS_BACKEND=$$backend $(BIN)/python -m benchmarks || exit 1; \
	done

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache
