"""Data-parallel training on 2 virtual CPU devices, mixed precision and XLA options.

The 2-device runs happen in one child process (tests/data_parallel_child.py), because
the devices must be set up before the backend starts.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import zoo
from zoo.data.batches import even_batches
from zoo.training.distribute import _even

CHILD = Path(__file__).with_name("data_parallel_child.py")


@pytest.fixture(scope="module")
def two_devices():
    env = dict(os.environ)
    if keras.backend.backend() == "jax":  # TensorFlow's devices are made in the child
        flags = env.get("XLA_FLAGS", "")  # keep the zoo's own XLA:CPU setting
        env["XLA_FLAGS"] = f"{flags} --xla_force_host_platform_device_count=2".strip()
    result = subprocess.run(
        [sys.executable, str(CHILD)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.integration
def test_two_devices_give_the_loss_curve_of_one(two_devices):
    """Including a last batch that 2 devices cannot split (cut, so both runs see the same)."""
    one, two = two_devices["one"], two_devices["two"]
    assert two_devices["devices"] == ["cpu:0", "cpu:1"]
    assert (one["count"], one["used"], one["spread"]) == (1, 1, 1)
    assert (two["count"], two["used"], two["spread"]) == (2, 2, 2)  # asked, trained, placed
    for key in ("loss", "val_loss"):
        assert len(two[key]) == 3
        np.testing.assert_allclose(two[key], one[key], rtol=2e-3)
    assert two["loss"][-1] < two["loss"][0]
    np.testing.assert_allclose(two["accuracy"], one["accuracy"], atol=0.02)  # one example in 66
    # zoo.distribute.predict_on_batch gives one row per example after data-parallel training.
    assert one["rows"] == two["rows"] == 9
    assert two["batch_vs_predict"] < 1e-5


@pytest.mark.parametrize(
    "case, message",
    [
        ("too_many", "ValueError: Asked for 3 devices but there are 2: cpu:0, cpu:1"),
        ("unknown", "ValueError: .*gpu:7 unknown. There are: cpu:0, cpu:1"),
        ("nested", "ValueError: .*do not nest"),
        ("built_outside", "ValueError: .*built outside the data-parallel block"),
        ("fit_outside", "ValueError: .*call zoo.fit inside that same `with` block"),
        ("odd_array_batch", "ValueError: .*batches have 7 examples.*multiple of 2 \\(e.g. 8\\)"),
        ("odd_fixed_batch", "ValueError: .*batches have 7 examples"),
        ("odd_batch", "InvalidArgumentError: .*not a multiple of that before its last"),
    ],
)
@pytest.mark.integration
def test_bad_device_setups_fail_clearly(two_devices, case, message):
    assert two_devices["errors"][case] is not None, f"{case} did not fail"
    assert re.search(message, two_devices["errors"][case], re.DOTALL)


def sizes(ds):
    return [len(y) for _, y in ds.as_numpy_iterator()]


def test_even_batches_cut_only_the_last_batch():
    x, y = np.zeros((43, 2), "float32"), np.arange(43)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    assert sizes(even_batches(ds.batch(8), 2, "odd")) == [8, 8, 8, 8, 8, 2]
    assert sizes(even_batches(ds.take(41).batch(8), 2, "odd")) == [8] * 5  # 1 left: dropped
    assert sizes(even_batches(ds.batch(8), 4, "odd")) == [8] * 5
    with pytest.raises(tf.errors.InvalidArgumentError, match="odd"):
        sizes(even_batches(ds.batch(7), 2, "odd"))


def test_arrays_lose_at_most_a_device_count_of_examples():
    x, y = np.zeros((43, 2), "float32"), np.arange(43)
    cut_x, cut_y = _even((x, y), 8, 2, "train")
    assert len(cut_x) == len(cut_y) == 42
    even = (x[:42], y[:42])
    assert _even(even, 8, 2, "train") is even
    assert len(_even((x, y), 8, 4, "train")[0]) == 40  # 43 = 5 * 8 + 3: the last 3 go
    with pytest.raises(ValueError, match="multiple of 4 \\(e.g. 8\\)"):
        _even((x, y), 6, 4, "train")


def test_devices_lists_names_by_kind():
    found = zoo.distribute.devices()
    assert found and all(name.split(":")[0] in ("cpu", "gpu", "tpu") for name in found)
    assert zoo.distribute.devices("cpu")
    with pytest.raises(ValueError, match="kind"):
        zoo.distribute.devices("npu")


def tiny_cnn():
    return zoo.build("cnn", input_shape=(8, 8, 1), filters=(8,), dense_units=(16,))


def test_mixed_bfloat16_computes_in_bfloat16_and_keeps_float32_variables(tmp_path):
    before = keras.config.dtype_policy().name
    with zoo.mixed_precision("mixed_bfloat16") as policy:
        model = tiny_cnn()
    assert policy.name == "mixed_bfloat16"
    assert keras.config.dtype_policy().name == before  # restored
    conv = model.get_layer("conv1")
    assert (conv.compute_dtype, conv.variable_dtype) == ("bfloat16", "float32")
    assert model.get_layer("head").compute_dtype == "float32"
    assert all(v.dtype == "float32" for v in model.trainable_variables)
    x = np.random.default_rng(0).normal(size=(16, 8, 8, 1)).astype("float32")
    y = np.arange(16) % 10
    assert keras.ops.convert_to_numpy(model(x)).dtype == np.float32  # the head is float32
    history = zoo.fit(
        model,
        (x, y),
        epochs=1,
        batch_size=8,
        run_dir=tmp_path,
        verbose=0,
        checkpoint=False,
        tensorboard=False,
    )
    assert np.isfinite(history.history["loss"]).all()
    assert json.loads((tmp_path / "fit.json").read_text())["precision"] == "mixed_bfloat16"


def test_precision_is_restored_after_an_error():
    before = keras.config.dtype_policy().name
    with pytest.raises(RuntimeError), zoo.mixed_precision("mixed_bfloat16"):
        raise RuntimeError("inside")
    assert keras.config.dtype_policy().name == before


@pytest.mark.skipif(bool(zoo.distribute.devices("gpu")), reason="a GPU can do float16")
def test_mixed_float16_without_a_gpu_is_a_clear_error():
    with pytest.raises(ValueError, match="'mixed_float16' is for GPUs.*mixed_bfloat16"):
        with zoo.mixed_precision("mixed_float16"):
            pass
    with pytest.raises(ValueError, match="must be one of"):
        with zoo.mixed_precision("float16"):
            pass


def test_jit_compile_reaches_compile(tmp_path):
    x, y = np.zeros((8, 8, 8, 1), "float32"), np.zeros(8, "int32")
    model = tiny_cnn()
    zoo.fit(
        model,
        (x, y),
        epochs=1,
        batch_size=8,
        jit_compile=False,
        run_dir=tmp_path,
        verbose=0,
        checkpoint=False,
        tensorboard=False,
    )
    assert model.jit_compile is False
    options = json.loads((tmp_path / "fit.json").read_text())
    assert (options["jit_compile"], options["devices"]) == (False, 1)
