"""Clock-reading nets (IDL A2, task 2): one conv backbone, one head per framing.

The backbone is a ``build_cnn`` stack without its classifier (a sub-model named
``backbone``); the head is a Dense layer sized by the framing (two of them, ``hour``
and ``minute``, for the multi-head net), and the last layer, ``ClockOutput``, applies
the framing's activation and gives ``zoo.fit`` its loss and common-sense metric.
See ``zoo.models.clock_framings`` for the framings.
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.models import common
from zoo.models.clock_framings import (
    ClockOutput,
    check_framing,
    check_minute_activation,
    output_size,
)
from zoo.models.cnn import build_cnn


def build_clock(
    input_shape=(64, 64, 1),
    *,
    framing: str = "sincos",
    num_classes: int | None = None,
    filters=(16, 32, 64, 128, 256),
    kernel_size=3,
    activation: str = "relu",
    leaky_relu_slope: float = common.LEAKY_RELU_SLOPE,
    batch_norm: bool = False,
    conv_dropout=0.0,
    dense_units=(256,),
    dense_batch_norm=False,
    dense_dropout=0.0,
    l2: float = 0.0,
    hour_weight: float = 1.0,
    minute_weight: float = 10.0,
    minute_activation: str = "linear",
    name: str = "clock",
) -> keras.Model:
    """A clock reader: conv backbone -> framing head(s) -> ``ClockOutput``.

    ``framing``: "regression", "classification" (with ``num_classes`` dividing 720:
    24, 72, 720, ...), "multihead" (``hour_weight`` x hour cross-entropy +
    ``minute_weight`` x minute squared error; the minute output is linear, as Keras's
    Dense is, or a sigmoid with ``minute_activation="sigmoid"``) or "sincos". The backbone
    options are ``build_cnn``'s: a max-pool follows every conv. ``leaky_relu_slope`` is the
    negative slope of every leaky ReLU (``activation="leaky_relu"``): PyTorch's 0.01 by
    default, Keras's ``LeakyReLU()`` has 0.3.
    """
    framing, num_classes = check_framing(framing, num_classes)
    input_shape = common.check_shape(input_shape, 3)
    for option, value in (("hour_weight", hour_weight), ("minute_weight", minute_weight)):
        if not value > 0:
            raise ValueError(f"`{option}` must be > 0. Received: {option}={value!r}")
    check_minute_activation(minute_activation)
    regularizer = common.regularizer(0.0, l2)
    backbone = build_cnn(
        input_shape,
        filters=filters,
        kernel_size=kernel_size,
        activation=activation,
        leaky_relu_slope=leaky_relu_slope,
        batch_norm=batch_norm,
        conv_dropout=conv_dropout,
        dense_units=dense_units,
        dense_batch_norm=dense_batch_norm,
        dense_dropout=dense_dropout,
        l2=l2,
        include_top=False,
        name="backbone",
    )
    inputs = keras.Input(input_shape, name="images")
    features = backbone(inputs)
    dense = dict(kernel_regularizer=regularizer, dtype="float32")
    if framing == "multihead":
        hour = layers.Dense(12, name="hour", **dense)(features)
        minute = layers.Dense(1, name="minute", **dense)(features)
        head = layers.Concatenate(name="head", dtype="float32")([hour, minute])
    else:
        head = layers.Dense(output_size(framing, num_classes), name="head", **dense)(features)
    outputs = ClockOutput(
        framing, num_classes, hour_weight, minute_weight, minute_activation, name="time"
    )(head)
    return keras.Model(inputs, outputs, name=name)
