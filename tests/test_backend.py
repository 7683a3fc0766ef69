"""Backend-specific speed settings: same numbers as Keras, and never over a user's choice."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from zoo.backend import YNNPACK_OFF
from zoo.models.layers import MaxPooling2D


@pytest.mark.parametrize("size", [(8, 8), (7, 9)])
def test_max_pool_equals_keras_forward_and_gradient(size):
    x = np.random.default_rng(0).normal(size=(3, *size, 4)).astype("float32")
    ours, theirs = MaxPooling2D(2), keras.layers.MaxPooling2D(2)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x))
    )
    np.testing.assert_array_equal(gradient(ours, x), gradient(theirs, x))


def gradient(layer, x):
    """d sum(layer(x) * w) / dx for a fixed random w, on the current backend."""
    w = np.random.default_rng(1).normal(size=layer.compute_output_shape(x.shape)).astype("float32")
    if keras.backend.backend() == "jax":
        import jax

        return np.asarray(jax.grad(lambda v: (layer(v) * w).sum())(x))
    import tensorflow as tf

    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(v) * w)
    return tape.gradient(loss, v).numpy()


def test_max_pool_other_windows_fall_back_to_keras():
    x = np.random.default_rng(0).normal(size=(2, 9, 9, 3)).astype("float32")
    for options in ({"pool_size": 3}, {"pool_size": 2, "strides": 1}, {"padding": "same"}):
        ours, theirs = MaxPooling2D(**options), keras.layers.MaxPooling2D(**options)
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x))
        )


def xla_flags_after_import(env):
    script = "import os, zoo; print(os.environ.get('XLA_FLAGS'))"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def test_import_turns_ynnpack_off_unless_the_user_set_xla_flags():
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    assert xla_flags_after_import(env) == YNNPACK_OFF
    assert xla_flags_after_import({**env, "XLA_FLAGS": "--xla_dump_to=/tmp/x"}) == (
        "--xla_dump_to=/tmp/x"
    )
