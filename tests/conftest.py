"""What the tests share: one tfds data dir with ``digits`` prepared, for the session.

``digits`` (scikit-learn's 1,797 8x8 images, as a tfds builder) is the real dataset
that every machine has; tests that train on real images use it from here, so it is
prepared once rather than once per file. The tiers: ``make test-fast`` runs the tests
not marked ``integration`` (whole scripts, subprocesses, longer trainings); ``make
test`` runs those too; ``slow`` ones (minutes of CPU) run only when asked for
(``-m slow``). ``make test`` runs the suite once per backend; an integration test whose
behaviour does not depend on the backend (a whole script, a search in processes of its
own, preparing a dataset with tf.data) runs in one backend's suite (``runs_on``,
``taking_turns``), the pieces it runs being tested on both.
"""

import atexit
import gc
import os
import shutil
import tempfile

# JAX compiles the same small models again and again across the tests (and in the
# processes they start); a compilation cache for the session reuses what one test
# compiled for the next. Set before JAX is imported; the user's own cache dir wins.
if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
    os.environ["JAX_COMPILATION_CACHE_DIR"] = tempfile.mkdtemp(prefix="zoo-tests-jax-cache-")
    atexit.register(shutil.rmtree, os.environ["JAX_COMPILATION_CACHE_DIR"], True)
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")

import keras  # noqa: E402
import pytest  # noqa: E402

import zoo

# A full garbage collection walks every object alive, and a test session keeps many: the
# backends' modules, and what the earlier tests left. Frozen, the objects alive before a
# module's tests are left out of the collections during them, the explicit ones of
# Keras's clear_session and KerasTuner's trials among them; and Python's own full
# collections come rarer (cycles are still collected young), as the session's objects
# keep adding to the count that starts one.
gc.set_threshold(700, 10, 10_000)  # Python's default is (700, 10, 10)


@pytest.fixture(scope="module", autouse=True)
def _freeze_what_earlier_modules_left():
    """Before the first module, what the imports made; before each later one, also what
    the earlier modules' tests left alive."""
    gc.collect()
    gc.freeze()


BACKENDS = ("tensorflow", "jax")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """A tfds data dir with ``digits`` prepared (well under a second)."""
    path = tmp_path_factory.mktemp("tfds")
    zoo.data.load("digits", data_dir=path)
    return path


@pytest.fixture
def traced_steps_run_eagerly():
    """On TensorFlow, Keras's train, test and predict steps run op by op for one test
    (``tf.config.run_functions_eagerly``): for the tests that run whole scripts or
    searches, which train a few batches of each model, so tracing each step costs more
    than running it. The compiled steps of every family are tested in test_models,
    test_generative and test_training; on JAX nothing changes (op by op is slower there)."""
    if keras.backend.backend() != "tensorflow":
        yield
        return
    import tensorflow as tf

    tf.config.run_functions_eagerly(True)
    try:
        yield
    finally:
        tf.config.run_functions_eagerly(False)


def backend_env(backend: str) -> dict:
    """This process's environment for a child process on ``backend``: a JAX child of
    the TensorFlow suite gets the JAX suite's XLA flags (``make test`` passes them as
    ZOO_TEST_JAX_XLA_FLAGS), so it compiles as quickly as the JAX suite does."""
    env = {**os.environ, "KERAS_BACKEND": backend}
    if backend == "jax" and "ZOO_TEST_JAX_XLA_FLAGS" in env:
        env["XLA_FLAGS"] = env["ZOO_TEST_JAX_XLA_FLAGS"]
    return env


def optimizer_steps(optimizer, weights, gradient, steps: int):
    """``weights`` after ``steps`` updates of ``optimizer`` with the same ``gradient``: an
    optimizer's arithmetic, to compare with a reference's update written out."""
    variable = keras.Variable(weights)
    for _ in range(steps):
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
    return keras.ops.convert_to_numpy(variable)


def check_figure(path, min_pixels: int = 100) -> None:
    """``path`` is a PNG that PIL reads, at least ``min_pixels`` on each side, and not one
    flat colour: a figure was drawn, not only a file touched."""
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG", f"{path} is {image.format}"
        assert min(image.size) >= min_pixels, f"{path} is only {image.size}"
        low, high = image.convert("L").getextrema()
        assert high > low, f"{path} is one flat colour"


@pytest.fixture
def figure():
    """``figure(path)`` asserts that ``path`` holds a drawn PNG figure."""
    return check_figure


def fast_only(items, fast):
    """``items`` as pytest params: those in ``fast`` in the fast tier, the rest marked
    ``integration``. For tests over every preset: the fast tier keeps a representative
    few, ``make test`` runs them all."""
    return [
        item if item in fast else pytest.param(item, marks=pytest.mark.integration)
        for item in items
    ]


def runs_on(backend: str):
    """Marks a test that runs in ``backend``'s suite alone."""
    return pytest.mark.skipif(
        keras.backend.backend() != backend, reason=f"runs in the {backend} suite"
    )


def taking_turns(cases, group=lambda case: None, on_jax=(), jax_share=0.5):
    """``cases`` (tuples of arguments, the first naming the case) as integration params
    that take turns between the backends' suites, within each ``group(case)``: each case
    runs once per ``make test``, and every group with two cases or more on both backends.
    The cases named in ``on_jax`` run in the JAX suite (deep networks, which XLA compiles
    unoptimised in a fraction of the time TensorFlow takes to trace them); of the others,
    about ``jax_share`` of each group go to the JAX suite (the second case first), the
    rest to the TensorFlow one."""
    shares = {"tensorflow": 1 - jax_share, "jax": jax_share}
    seen: dict = {}
    params = []
    for case in cases:
        counts = seen.setdefault(group(case), dict.fromkeys(BACKENDS, 0))
        if case[0] in on_jax:
            backend = "jax"
        else:
            backend = min(BACKENDS, key=lambda b: counts[b] / shares[b])
        counts[backend] += 1
        params.append(
            pytest.param(
                *case,
                marks=[pytest.mark.integration, runs_on(backend)],
                id="-".join(str(part) for part in case),
            )
        )
    return params
