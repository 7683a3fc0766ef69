"""Backend-specific speed settings: same numbers as Keras, and never over a user's choice."""

import os
import subprocess
import sys
from importlib import metadata

import keras
import numpy as np
import pytest
from conftest import runs_on

import zoo
from zoo import backend
from zoo.backend import YNNPACK_OFF
from zoo.models.layers import Conv2DTranspose, MaxPooling2D


@pytest.mark.parametrize("size", [(8, 8), (7, 9)])
@pytest.mark.parametrize("ties", [False, True])
def test_max_pool_equals_keras_forward_and_gradient(size, ties):
    x = np.random.default_rng(0).normal(size=(3, *size, 4)).astype("float32")
    if ties:  # as after a ReLU: windows of zeros, and equal maxima elsewhere too
        x = np.maximum(x, 0).round()
    ours, theirs = MaxPooling2D(2), keras.layers.MaxPooling2D(2)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x))
    )
    for mine, keras_own in zip(gradients(ours, x), gradients(theirs, x), strict=True):
        np.testing.assert_array_equal(mine, keras_own)


def test_max_pool_other_windows_fall_back_to_keras():
    x = np.random.default_rng(0).normal(size=(2, 9, 9, 3)).astype("float32")
    for options in ({"pool_size": 3}, {"pool_size": 2, "strides": 1}, {"padding": "same"}):
        ours, theirs = MaxPooling2D(**options), keras.layers.MaxPooling2D(**options)
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x))
        )


@pytest.mark.parametrize(
    "size, options",
    [
        ((7, 7), {"kernel_size": 3, "strides": 2, "padding": "same"}),  # the CAE's, the GAN's
        ((4, 6), {"kernel_size": 4, "strides": 2, "padding": "same"}),
        ((5, 5), {"kernel_size": 3, "strides": 2, "padding": "valid"}),
        ((5, 4), {"kernel_size": 5, "strides": 3, "padding": "same", "output_padding": 1}),
        ((3, 3), {"kernel_size": 1, "strides": 2, "padding": "valid"}),
    ],
)
def test_transposed_conv_equals_keras_forward_and_gradients(size, options):
    x = np.random.default_rng(0).normal(size=(2, *size, 3)).astype("float32")
    ours, theirs = Conv2DTranspose(4, **options), keras.layers.Conv2DTranspose(4, **options)
    theirs.build(x.shape)
    ours.build(x.shape)
    ours.set_weights([w + 0.1 for w in theirs.get_weights()])  # a bias that is not zero
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x)), atol=1e-5
    )
    for mine, keras_own in zip(gradients(ours, x), gradients(theirs, x), strict=True):
        np.testing.assert_allclose(mine, keras_own, rtol=1e-5, atol=1e-4)


def gradients(layer, x):
    """d sum(layer(x) * w) / d(x, *weights) for a fixed random w, on the current backend."""
    w = np.random.default_rng(1).normal(size=layer.compute_output_shape(x.shape)).astype("float32")
    weights = [v.value for v in layer.trainable_variables]
    if keras.backend.backend() == "jax":
        import jax

        def loss(v, weights):
            return (layer.stateless_call(weights, [], v)[0] * w).sum()

        dx, dweights = jax.grad(loss, argnums=(0, 1))(x, weights)
        return [np.asarray(g) for g in (dx, *dweights)]
    import tensorflow as tf

    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(v) * w)
    return [g.numpy() for g in tape.gradient(loss, [v, *layer.trainable_variables])]


def test_transposed_conv_model_saves_and_loads(tmp_path):
    model = zoo.build("cae")
    x = np.random.default_rng(0).uniform(size=(2, 28, 28, 1)).astype("float32")
    model.save(tmp_path / "cae.keras")
    loaded = keras.models.load_model(tmp_path / "cae.keras")
    # Saved as Keras's own class (tests/test_portable.py), so it loads back as one.
    assert any(
        type(layer) is keras.layers.Conv2DTranspose for layer in loaded.get_layer("decoder").layers
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)), atol=1e-6
    )


def xla_flags_after_import(env):
    script = "import os, zoo; print(os.environ.get('XLA_FLAGS'))"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.integration
@runs_on("jax")  # a process of its own, which sets the flags whatever the backend
def test_import_turns_ynnpack_off():
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    assert xla_flags_after_import(env) == YNNPACK_OFF


def test_a_users_xla_flags_are_left_alone(monkeypatch):
    # What import zoo runs first (above), called here: no process of its own needed.
    monkeypatch.setenv("XLA_FLAGS", "--xla_dump_to=/tmp/x")
    assert backend.configure_xla_cpu() is False
    assert os.environ["XLA_FLAGS"] == "--xla_dump_to=/tmp/x"
    monkeypatch.delenv("XLA_FLAGS")
    monkeypatch.setenv("JAX_PLATFORMS", "cpu")  # whatever plugins are installed
    tested = ".".join(metadata.version("jaxlib").split(".")[:2]) in backend.TESTED_JAXLIB
    assert backend.configure_xla_cpu() is tested
    assert os.environ.get("XLA_FLAGS") == (YNNPACK_OFF if tested else None)
