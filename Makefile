# `make demo` and `make test` each create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BACKENDS := tensorflow jax
EXTRAS := tensorflow-cpu,jax,dev

.PHONY: demo test test-fast lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/python -m zoo.cli.demo

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The backends' suites run side by side (much of each is single-threaded compiling and
# start-up), each into its own log, printed in turn with its 15 slowest tests. `make test`
# runs every tier but `slow`; `make test-fast` leaves out the `integration` tier too
# (whole scripts, subprocesses, longer trainings: tests/conftest.py). pytest exits 5 when
# it collects nothing: any non-zero status fails the target. The JAX tests compile with
# LLVM's optimizations off (most of their time is XLA compiling small models that then run
# a few steps), after the XLA flags the zoo itself would set (zoo/backend.py, run alone:
# never over a user's XLA_FLAGS; JAX processes that the TensorFlow suite starts get them
# too, tests/conftest.py). `make test TEST_XLA_FLAGS=` tests with the zoo's flags alone.
# TensorFlow's ops run on one thread in each suite (TF_NUM_INTRAOP_THREADS), so that its
# suite does not contend with the JAX one for the cores (docs/testing.md).
TEST_XLA_FLAGS ?= --xla_backend_optimization_level=0
ZOO_XLA_FLAGS = import os, runpy; runpy.run_path("zoo/backend.py")["configure_xla_cpu"](); \
	print(os.environ.get("XLA_FLAGS", ""))
MARKERS ?= not slow
test: lint
	@export ZOO_TEST_JAX_XLA_FLAGS="$$($(BIN)/python -c '$(ZOO_XLA_FLAGS)') $(TEST_XLA_FLAGS)"; \
	for backend in $(BACKENDS); do \
		(if [ $$backend = jax ]; then export XLA_FLAGS="$$ZOO_TEST_JAX_XLA_FLAGS"; fi; \
		KERAS_BACKEND=$$backend TF_NUM_INTRAOP_THREADS=1 $(BIN)/python -m pytest -q \
			-p no:cacheprovider --durations=15 -m "$(MARKERS)" >.test-$$backend.log 2>&1; \
			echo $$? >.test-$$backend.status) & \
	done; wait; failed=0; \
	for backend in $(BACKENDS); do \
		echo "== tests on the $$backend backend"; cat .test-$$backend.log; \
		[ "$$(cat .test-$$backend.status)" = 0 ] || failed=1; \
	done; rm -f .test-*.log .test-*.status; exit $$failed

test-fast:
	@$(MAKE) --no-print-directory test MARKERS="not slow and not integration"

# Each backend in its own process, then both alternating for the JAX/TF ratio.
bench: $(VENV)/.installed
	@for backend in $(BACKENDS); do \
		KERAS_BACKEND=$$backend $(BIN)/python -m benchmarks || exit 1; \
	done
	$(BIN)/python -m benchmarks.suite --interleave-backends --rounds 3 --images 4096 \
		--repeats 2 --json runs/bench/jax-over-tf-interleaved.json

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache
