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

# The backends' suites run side by side (much of each is single-threaded compiling and
# start-up), each into its own log, printed in turn with its 15 slowest tests (CI has a
# 15-minute budget). pytest exits 5 when it collects nothing: any non-zero status fails
# the target. On JAX most of the suite's time is XLA compiling small models that then run a
# few steps, so the JAX tests compile with LLVM's optimizations off (the idl_a2 generative
# quick run: 47 s -> 31 s), after the XLA flags the zoo itself would set (zoo/backend.py,
# run alone: the YNNPACK switch, only on the jaxlib it was measured on, and never over a
# user's XLA_FLAGS). `make test TEST_XLA_FLAGS=` tests with the zoo's flags alone.
TEST_XLA_FLAGS ?= --xla_backend_optimization_level=0
ZOO_XLA_FLAGS = import os, runpy; runpy.run_path("zoo/backend.py")["configure_xla_cpu"](); \
	print(os.environ.get("XLA_FLAGS", ""))
test: lint
	@zoo_flags=$$($(BIN)/python -c '$(ZOO_XLA_FLAGS)'); \
	for backend in $(BACKENDS); do \
		(if [ $$backend = jax ]; then export XLA_FLAGS="$$zoo_flags $(TEST_XLA_FLAGS)"; fi; \
		KERAS_BACKEND=$$backend $(BIN)/python -m pytest -q -p no:cacheprovider --durations=15 \
			>.test-$$backend.log 2>&1; echo $$? >.test-$$backend.status) & \
	done; wait; failed=0; \
	for backend in $(BACKENDS); do \
		echo "== tests on the $$backend backend"; cat .test-$$backend.log; \
		[ "$$(cat .test-$$backend.status)" = 0 ] || failed=1; \
	done; rm -f .test-*.log .test-*.status; exit $$failed

# Each backend in its own process, then both alternating for the JAX/TF ratio.
bench: $(VENV)/.installed
	@for backend in $(BACKENDS); do \
		KERAS_BACKEND=$$backend $(BIN)/python -m benchmarks || exit 1; \
	done
	$(BIN)/python -m benchmarks.suite --interleave-backends --rounds 3 --images 4096 \
		--repeats 2 --json runs/bench/jax-over-tf-interleaved.json

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache
