"""Argument checks and small layer helpers shared by the model builders."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "selu", "sigmoid", "tanh", "swish", "linear")
INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_normal",
    "random_normal",
    "random_uniform",
    "torch",
)
# PyTorch's default slope, which the reference reports trained with. Keras's own
# LeakyReLU default is 0.3: a builder's `leaky_relu_slope` option sets it per model.
LEAKY_RELU_SLOPE = 0.01


def check_shape(input_shape, ndim: int) -> tuple[int, ...]:
    shape = tuple(input_shape)
    if len(shape) != ndim or not all(isinstance(d, int) and d > 0 for d in shape):
        raise ValueError(
            f"`input_shape` must be {ndim} positive integers"
            f"{' (height, width, channels)' if ndim == 3 else ''}. Received: input_shape={shape}"
        )
    return shape


def check_num_classes(num_classes) -> int:
    if not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            "`num_classes` must be an integer >= 2 (a classifier needs two classes at least). "
            f"Received: num_classes={num_classes!r}"
        )
    return num_classes


def check_rate(name: str, value: float) -> float:
    if not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be in [0, 1). Received: {name}={value!r}")
    return value


# BatchNormalization's moving-statistics momentum: Keras's default, and PyTorch's (its
# ``momentum=0.1`` weighs the new batch, Keras's the old average), which the presets of
# references written in PyTorch use. 0.99 needs a few hundred steps before the statistics
# serve at test time; a short run or a small dataset evaluates half-settled ones.
KERAS_BATCH_NORM_MOMENTUM = 0.99
TORCH_BATCH_NORM_MOMENTUM = 0.9
# BatchNormalization's epsilon: Keras's default, and PyTorch's BatchNorm1d/2d ``eps``.
KERAS_BATCH_NORM_EPSILON = 1e-3
TORCH_BATCH_NORM_EPSILON = 1e-5
# Where a layer's BatchNormalization goes: before its activation (the usual place), or
# after it (KTH P3: "after each activation function").
BATCH_NORM_POSITIONS = ("before_activation", "after_activation")


def batch_norm_layer(name: str, momentum: float, epsilon: float = KERAS_BATCH_NORM_EPSILON):
    return layers.BatchNormalization(momentum=momentum, epsilon=epsilon, name=name)


def check_batch_norm(momentum: float, epsilon: float) -> None:
    check_rate("batch_norm_momentum", momentum)
    if not epsilon > 0:
        raise ValueError(
            "`batch_norm_epsilon` must be > 0 (it keeps the division by the standard "
            f"deviation finite). Received: batch_norm_epsilon={epsilon!r}"
        )


def weight_initializers(kind: str, fan_in: int) -> dict:
    """The ``kernel_initializer`` and ``bias_initializer`` of a Dense or Conv2D layer whose
    units each see ``fan_in`` inputs (a Conv2D's: in_channels * kernel height * width).

    ``"torch"`` is PyTorch's default for nn.Linear and nn.Conv2d, ``kaiming_uniform_(a=
    sqrt(5))`` and a bias of the same bound: both uniform in +-1/sqrt(fan_in). Keras's own
    initializers keep Keras's zero bias. Both are stock Keras initializers, so a saved
    model opens without the zoo.
    """
    if kind != "torch":
        return {"kernel_initializer": kind}
    bound = 1 / math.sqrt(fan_in)
    return {
        "kernel_initializer": keras.initializers.VarianceScaling(1 / 3, "fan_in", "uniform"),
        "bias_initializer": keras.initializers.RandomUniform(-bound, bound),
    }


def conv_initializers(kind: str, inputs, kernel_size: int) -> dict:
    """``weight_initializers`` of a square ``kernel_size`` Conv2D applied to ``inputs``: its
    fan_in is the inputs' channels times the kernel's area."""
    return weight_initializers(kind, inputs.shape[-1] * kernel_size * kernel_size)


def check_non_negative(name: str, value: float) -> float:
    if value < 0:
        raise ValueError(f"`{name}` must be >= 0. Received: {name}={value!r}")
    return value


def check_positive_ints(name: str, values) -> tuple[int, ...]:
    values = tuple(values) if isinstance(values, Sequence) else (values,)
    if not values or not all(isinstance(v, int) and v > 0 for v in values):
        raise ValueError(f"`{name}` must be positive integers. Received: {name}={values!r}")
    return values


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise ValueError(
            f"`{name}` must be one of {', '.join(map(str, choices))}. Received: {name}={value!r}"
        )
    return value


def per_layer(name: str, value, count: int) -> tuple:
    """Broadcast a scalar option to ``count`` layers, or check a per-layer list's length."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(
                f"`{name}` has {len(value)} entries but the model has {count} such layers. "
                f"Received: {name}={value!r}"
            )
        return tuple(value)
    return (value,) * count


def activation_layer(kind: str, name: str, slope: float = LEAKY_RELU_SLOPE) -> layers.Layer:
    """The ``kind`` activation as a layer; a leaky ReLU has negative ``slope``."""
    check_choice("activation", kind, ACTIVATIONS)
    if kind == "leaky_relu":
        return layers.LeakyReLU(negative_slope=slope, name=name)
    return layers.Activation(kind, name=name)


def regularizer(l1: float = 0.0, l2: float = 0.0):
    check_non_negative("l1", l1)
    check_non_negative("l2", l2)
    if l1 or l2:
        return keras.regularizers.L1L2(l1=l1, l2=l2)
    return None


def fused(kind: str, batch_norm: bool) -> str | None:
    """The activation to compute inside Conv2D/Dense, or None when it needs its own layer.

    Inside the layer it is measurably faster on TensorFlow's CPU kernels; it must be
    a layer of its own after BatchNorm, and for leaky ReLU with its own slope.
    """
    check_choice("activation", kind, ACTIVATIONS)
    return None if batch_norm or kind == "leaky_relu" else kind


def layer_norm_activation(
    make_layer,
    x,
    activation: str | None,
    *,
    batch_norm: bool,
    position: str,
    momentum: float,
    epsilon: float = KERAS_BATCH_NORM_EPSILON,
    leaky_relu_slope: float = LEAKY_RELU_SLOPE,
):
    """``make_layer(activation=...)`` (a Conv2D or Dense) on ``x``, then its BatchNorm and
    ``activation`` (None: none) in ``position``'s order. The activation is computed
    inside the layer where ``fused`` allows, else it is a layer of its own."""
    bn_first = batch_norm and position == "before_activation"
    inside = fused(activation, bn_first) if activation else None
    layer = make_layer(activation=inside)
    x = layer(x)
    if bn_first:
        x = batch_norm_layer(f"{layer.name}_bn", momentum, epsilon)(x)
    if activation and not inside:
        x = activation_layer(activation, f"{layer.name}_act", leaky_relu_slope)(x)
    if batch_norm and not bn_first:
        x = batch_norm_layer(f"{layer.name}_bn", momentum, epsilon)(x)
    return x


def dense_block(
    x,
    units: int,
    *,
    activation: str,
    batch_norm: bool,
    dropout: float,
    name: str,
    batch_norm_momentum: float = KERAS_BATCH_NORM_MOMENTUM,
    batch_norm_epsilon: float = KERAS_BATCH_NORM_EPSILON,
    batch_norm_position: str = "before_activation",
    kernel_initializer: str = "glorot_uniform",
    leaky_relu_slope: float = LEAKY_RELU_SLOPE,
    **options,
):
    """Dense -> (BatchNorm) -> activation -> (Dropout), the hidden layer of MLPs and CNN heads
    (BatchNorm after the activation with ``batch_norm_position="after_activation"``)."""
    weights = weight_initializers(kernel_initializer, x.shape[-1])
    x = layer_norm_activation(
        functools.partial(layers.Dense, units, name=name, **weights, **options),
        x,
        activation,
        batch_norm=batch_norm,
        position=batch_norm_position,
        momentum=batch_norm_momentum,
        epsilon=batch_norm_epsilon,
        leaky_relu_slope=leaky_relu_slope,
    )
    if dropout:
        x = layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def sample_latent(network, n: int, seed=0) -> np.ndarray:
    """``n`` standard-normal points of the latent space a decoder or generator takes."""
    shape = tuple(network.input_shape[1:])
    return np.random.default_rng(seed).standard_normal((n, *shape)).astype(np.float32)


def generate(network, n_or_noise, seed=0, batch_size: int = 256) -> np.ndarray:
    """Images from ``n`` standard-normal latent points (numpy ``seed``), or from given noise."""
    z = sample_latent(network, n_or_noise, seed) if isinstance(n_or_noise, int) else n_or_noise
    return np.asarray(network.predict(np.asarray(z, np.float32), batch_size=batch_size, verbose=0))


def classifier_head(
    x,
    num_classes: int,
    output_activation: str | None,
    kernel_initializer: str = "glorot_uniform",
    **dense_options,
):
    """The output layer every classifier shares: a Dense layer named ``head``.

    The softmax is computed inside it, which lets Keras's cross-entropy work from
    the logits (faster, and stabler); it is float32 so that mixed-precision models
    still return float32 probabilities. ``output_activation=None`` returns logits.
    """
    return layers.Dense(
        num_classes,
        activation=output_activation,
        dtype="float32",
        name="head",
        **weight_initializers(kernel_initializer, x.shape[-1]),
        **dense_options,
    )(x)
