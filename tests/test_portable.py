"""What the zoo leaves behind: `.keras` files that plain Keras opens, fast paths only where
they were measured, console commands, a quiet start and predictions traced once."""

import json
import os
import subprocess
import sys
import types
from importlib import import_module, metadata
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import backend_env, runs_on

import zoo
from zoo import backend
from zoo.models.layers import Conv2DTranspose, MaxPooling2D

ROOT = Path(__file__).resolve().parents[1]
ON_JAX = keras.backend.backend() == "jax"


def layer_configs(config):
    """Every serialised layer in a model's config, nested models' layers included."""
    if isinstance(config, dict):
        if "class_name" in config and "module" in config:
            yield config
        for value in config.values():
            yield from layer_configs(value)
    elif isinstance(config, list):
        for value in config:
            yield from layer_configs(value)


@pytest.mark.parametrize(
    "layer, stock",
    [
        (MaxPooling2D(2), keras.layers.MaxPooling2D),
        (Conv2DTranspose(4, 3, strides=2, padding="same"), keras.layers.Conv2DTranspose),
    ],
)
def test_fast_layers_save_as_keras_own_class(layer, stock):
    config = keras.saving.serialize_keras_object(layer)
    assert (config["module"], config["class_name"], config["registered_name"]) == (
        "keras.layers",
        stock.__name__,
        None,
    )
    assert type(keras.saving.deserialize_keras_object(config)) is stock


@pytest.mark.parametrize("name", ["cnn", "cae"])  # max-pools; transposed convs
def test_stock_layer_models_name_only_keras_classes(name):
    config = keras.saving.serialize_keras_object(zoo.build(name))
    modules = {c["module"] for c in layer_configs(config)}
    assert all(m == "keras" or m.startswith("keras.") for m in modules), modules


def test_zoo_classes_write_import_zoo_into_their_config_and_load_without_it():
    from zoo.models.clock_framings import ClockOutput
    from zoo.training.optimizers import AdamL2

    for obj in (ClockOutput("multihead", hour_weight=2.0), AdamL2(weight_decay=0.1)):
        config = keras.saving.serialize_keras_object(obj)
        assert config["registered_name"] == f"zoo>{type(obj).__name__}"
        assert config["config"]["requires"].startswith("import zoo (pip install keras-zoo)")
        restored = keras.saving.deserialize_keras_object(config)
        assert type(restored) is type(obj) and restored.get_config() == obj.get_config()


LOAD_WITHOUT_ZOO = """
import json, sys
import keras, numpy as np
x, out = np.load(sys.argv[1]), sys.argv[2]
loaded = {}
for name in ("cnn", "cae"):
    model = keras.saving.load_model(f"{out}/{name}.keras")
    loaded[name] = keras.ops.convert_to_numpy(model(x, training=False))
np.savez(f"{out}/loaded.npz", **loaded)
try:
    keras.saving.load_model(f"{out}/clock_regression.keras")
    error = None
except Exception as e:
    error = str(e)
print(json.dumps({"zoo_imported": "zoo" in sys.modules, "clock_error": error}))
"""


@pytest.mark.integration
def test_saved_models_load_with_plain_keras_on_the_other_backend(tmp_path):
    """Each backend's suite saves and loads on the other: a file from either backend
    loads on either (the files do not depend on the backend that wrote them). The CNN is
    trained first, so its batch-norm statistics and optimizer state are saved too."""
    loader = "jax" if keras.backend.backend() == "tensorflow" else "tensorflow"
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(4, 28, 28, 1)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    expected = {}
    for name in ("cnn", "cae", "clock_regression"):
        if name == "cnn":
            model = zoo.build(name, batch_norm=True, dense_batch_norm=True)
            train = rng.uniform(size=(64, 28, 28, 1)).astype("float32"), np.arange(64) % 10
            zoo.fit(model, train, epochs=1, batch_size=32, run_dir=tmp_path / "run", verbose=0)
        else:
            model = zoo.build(name)
        model.save(tmp_path / f"{name}.keras")
        if name != "clock_regression":
            expected[name] = keras.ops.convert_to_numpy(model(x, training=False))
    result = subprocess.run(
        [sys.executable, "-c", LOAD_WITHOUT_ZOO, str(tmp_path / "x.npy"), str(tmp_path)],
        env=backend_env(loader),
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert not outcome["zoo_imported"]
    loaded = np.load(tmp_path / "loaded.npz")
    for name, want in expected.items():
        np.testing.assert_allclose(loaded[name], want, rtol=1e-5, atol=1e-5)
    # Keras's message prints the class's saved config, which says what to do.
    assert "Could not locate class 'ClockOutput'" in outcome["clock_error"]
    assert "'requires': 'import zoo (pip install keras-zoo)" in outcome["clock_error"]


@pytest.fixture
def devices(monkeypatch):
    """``devices("gpu")`` makes JAX report one device of that platform."""
    jax = pytest.importorskip("jax")

    def fake(platform):
        device = types.SimpleNamespace(platform=platform)
        monkeypatch.setattr(jax, "devices", lambda *args, **kwargs: [device])

    return fake


@pytest.mark.skipif(not ON_JAX, reason="the fast layers run only on JAX")
@pytest.mark.parametrize("platform, fast", [("cpu", True), ("gpu", False), ("tpu", False)])
def test_fast_layers_run_only_on_cpus(devices, platform, fast):
    import jax

    x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")
    pool, deconv = MaxPooling2D(2), Conv2DTranspose(4, 3, strides=2, padding="same")
    pool(x), deconv(x)  # built on the real device first
    devices(platform)
    pooled = str(jax.make_jaxpr(lambda v: pool(v))(x))
    upsampled = str(jax.make_jaxpr(lambda v: deconv(v))(x))
    assert ("reduce_window_max" in pooled) is not fast  # Keras's max-pool
    assert ("lhs_dilation=(2, 2)" in upsampled) is not fast  # Keras's transposed conv
    assert backend.jax_on_cpu() is fast


@pytest.mark.skipif(ON_JAX, reason="on JAX the devices decide")
def test_fast_layers_are_off_on_tensorflow():
    assert backend.jax_on_cpu() is False


@pytest.mark.parametrize(
    "plugins, platforms, set_flag",
    [([], None, True), (["xla_cuda12"], None, False), (["xla_cuda12"], "cpu", True)],
)
def test_xla_cpu_flag_only_where_jax_stays_on_cpus(monkeypatch, plugins, platforms, set_flag):
    version = metadata.version("jaxlib")
    monkeypatch.setattr(backend, "TESTED_JAXLIB", (".".join(version.split(".")[:2]),))
    monkeypatch.setattr(backend, "jax_accelerator_plugins", lambda: plugins)
    monkeypatch.delenv("XLA_FLAGS", raising=False)
    if platforms:
        monkeypatch.setenv("JAX_PLATFORMS", platforms)
    else:
        monkeypatch.delenv("JAX_PLATFORMS", raising=False)
    assert backend.configure_xla_cpu() is set_flag
    assert os.environ.get("XLA_FLAGS") == (backend.YNNPACK_OFF if set_flag else None)


def test_a_users_tensorflow_log_level_is_kept(monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    assert backend.import_tensorflow_quietly() is False
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"


@pytest.mark.integration
@runs_on("jax")  # a process of its own, in the suite that ends first: TF starts on every backend
def test_import_hides_tensorflows_start_up_notes():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    script = "import os, zoo; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split()[-1] == "1"  # INFO lines hidden, warnings and errors kept
    for note in ("oneDNN custom operations", "cpu_feature_guard", "absl::InitializeLog"):
        assert note not in result.stderr


@pytest.mark.parametrize("script", ["zoo", "zoo-tune"])
def test_console_scripts_run_the_commands(capsys, script):
    tomllib = pytest.importorskip("tomllib")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, function = scripts[script].split(":")
    with pytest.raises(SystemExit) as exit:
        getattr(import_module(module), function)(["--help"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: {script} ")


def tiny_classifier():
    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(inputs))
    return keras.Model(inputs, outputs)


def test_evaluate_predicts_every_batch_at_one_shape(monkeypatch):
    model = tiny_classifier()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(11, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 3, size=11)
    expected = np.argmax(keras.ops.convert_to_numpy(model(x)), axis=1)
    shapes = []
    predict_on_batch = model.predict_on_batch

    def recording(batch):
        shapes.append(batch.shape)
        return predict_on_batch(batch)

    monkeypatch.setattr(model, "predict_on_batch", recording)
    batches = [(x[:4], y[:4]), (x[4:8], y[4:8]), (x[8:], y[8:])]
    for data in (batches, (x, y)):
        shapes.clear()
        report = zoo.evaluate(model, data, batch_size=4)
        assert shapes == [(4, 8, 8, 1)] * 3
        np.testing.assert_array_equal(report.y_pred, expected)
    if keras.backend.backend() == "tensorflow":
        assert model.predict_function.experimental_get_tracing_count() == 1


def test_predict_arrays_needs_examples():
    with pytest.raises(ValueError, match="Received: x.shape=\\(0, 8, 8, 1\\)"):
        zoo.evaluation.predict_arrays(tiny_classifier(), np.zeros((0, 8, 8, 1), "float32"))
