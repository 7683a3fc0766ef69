"""Run by tests/test_distribute.py in a fresh process on 2 virtual CPU devices; prints JSON.

JAX gets its devices from XLA_FLAGS (set by the parent); TensorFlow from a logical
device configuration made here, before anything starts TensorFlow's runtime.
"""

import contextlib
import json
import os
import sys
import tempfile

if os.environ["KERAS_BACKEND"] == "tensorflow":
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import zoo  # noqa: E402

RUNS = tempfile.mkdtemp()
rng = np.random.default_rng(0)
X = rng.normal(size=(72, 8, 8, 1)).astype("float32")
Y = (np.arange(72) % 10).astype("int32")


def dataset(n=64, batch=16):
    return tf.data.Dataset.from_tensor_slices((X[:n], Y[:n])).batch(batch)


def small_cnn():
    return zoo.build("cnn", input_shape=(8, 8, 1), filters=(8,), dense_units=(16,))


def fit(model, train, validation=None, **options):
    options = dict(epochs=3, seed=0, verbose=0, checkpoint=False, tensorboard=False) | options
    return zoo.fit(model, train, validation, run_dir=tempfile.mkdtemp(dir=RUNS), **options)


def spread(model):
    """How many devices hold a copy of the first kernel."""
    variable = model.trainable_variables[0]
    if keras.backend.backend() == "jax":
        return len(variable.value.sharding.device_set)
    return len(getattr(variable.value, "values", [variable.value]))


def curve(devices):
    """On 2 devices the last batch of 3 is cut to 2, so both runs see the same batches."""
    keras.utils.set_random_seed(0)
    block = zoo.data_parallel(devices) if devices else contextlib.nullcontext()
    with block as setup:
        model = small_cnn()
        history = fit(model, dataset(67 if devices else 66), dataset(32))
        result = {k: [float(v) for v in values] for k, values in history.history.items()}
        used = json.loads((history.run_dir / "fit.json").read_text())["devices"]
        batch = zoo.distribute.predict_on_batch(model, X[:9])
    whole = model.predict(X[:9], verbose=0)  # after the block: JAX cannot split 9 over 2 there
    return result | {
        "count": setup.count if setup else 1,
        "used": used,
        "spread": spread(model),
        "rows": len(batch),
        "batch_vs_predict": float(np.max(np.abs(batch[: len(whole)] - whole))),
    }


def error(run):
    try:
        run()
    except Exception as e:  # noqa: BLE001 -- the parent checks the type and message
        return f"{type(e).__name__}: {e}"
    return None


def built_outside():
    model = small_cnn()
    with zoo.data_parallel(2):
        fit(model, dataset(), epochs=1)


def fit_outside():
    with zoo.data_parallel(2):
        model = small_cnn()
    fit(model, dataset(), epochs=1)


def nested():
    with zoo.data_parallel(1), zoo.data_parallel(2):
        pass


def trained_on_2(train, **options):
    with zoo.data_parallel(2):
        history = fit(small_cnn(), train, epochs=1, **options)
    return [float(v) for v in history.history["loss"]]


results = {
    "devices": zoo.distribute.devices(),
    "one": curve(None),
    "two": curve(2),
    "errors": {
        "too_many": error(lambda: zoo.data_parallel(3).__enter__()),
        "unknown": error(lambda: zoo.data_parallel(["gpu:7"]).__enter__()),
        "nested": error(nested),
        "built_outside": error(built_outside),
        "fit_outside": error(fit_outside),
        "odd_array_batch": error(lambda: trained_on_2((X, Y), batch_size=7)),
        "odd_fixed_batch": error(
            lambda: trained_on_2(tf.data.Dataset.from_tensor_slices((X, Y)).batch(7, True))
        ),
        "odd_batch": error(lambda: trained_on_2(dataset(64, 7))),
    },
}
print(json.dumps(results))
sys.stdout.flush()
