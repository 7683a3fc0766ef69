"""Clock-reading nets (seed 002, task 2): one conv backbone, one head per framing.

The backbone is a ``build_cnn`` stack without its classifier (a sub-model named
``backbone``); the head is a Dense layer sized by the framing (two of them, ``hour``
and ``minute``, for the multi-head net), and the last layer, ``ClockOutput``, applies
the framing's activation and gives ``zoo.fit`` its loss and common-sense metric.
See ``zoo.clock`` for the framings.
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.clock import ClockOutput, check_framing, output_size
from zoo.models import common
from zoo.models.cnn import build_cnn
from zoo.registry import register_preset


def build_clock(
    input_shape=(64, 64, 1),
    *,
    framing: str = "sincos",
    num_classes: int | None = None,
    filters=(16, 32, 64, 128, 256),
    kernel_size=3,
    activation: str = "relu",
    batch_norm: bool = False,
    conv_dropout=0.0,
    dense_units=(256,),
    dense_batch_norm=False,
    dense_dropout=0.0,
    l2: float = 0.0,
    hour_weight: float = 1.0,
    minute_weight: float = 10.0,
    name: str = "clock",
) -> keras.Model:
    """A clock reader: conv backbone -> framing head(s) -> ``ClockOutput``.

    ``framing``: "regression", "classification" (with ``num_classes`` dividing 720:
    24, 72, 720, ...), "multihead" (``hour_weight`` x hour cross-entropy +
    ``minute_weight`` x minute squared error) or "sincos". The backbone options are
    ``build_cnn``'s: a max-pool follows every conv.
    """
    framing, num_classes = check_framing(framing, num_classes)
    input_shape = common.check_shape(input_shape, 3)
    for option, value in (("hour_weight", hour_weight), ("minute_weight", minute_weight)):
        if not value > 0:
            raise ValueError(f"`{option}` must be > 0. Received: {option}={value!r}")
    regularizer = common.regularizer(0.0, l2)
    backbone = build_cnn(
        input_shape,
        filters=filters,
        kernel_size=kernel_size,
        activation=activation,
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
    outputs = ClockOutput(framing, num_classes, hour_weight, minute_weight, name="time")(head)
    return keras.Model(inputs, outputs, name=name)


_SOURCE = "seed 002, Task 2 and Table 9"
_FIT = {"optimizer": "adam", "learning_rate": 1e-3, "schedule": "cosine", "epochs": 12}
register_preset(
    "clock_regression",
    build_clock,
    description="Reads the time as one number, a fraction of the dial (MSE).",
    source=_SOURCE,
    fit=_FIT,
    framing="regression",
)
register_preset(
    "clock_classification",
    build_clock,
    description="Reads the time as one of num_classes slices of the dial (24, 72 or 720).",
    source=_SOURCE,
    fit=_FIT,
    framing="classification",
    num_classes=24,
)
register_preset(
    "clock_multihead",
    build_clock,
    description="Two heads: the hour as 12 classes, the minute as a number in [0, 1].",
    source=_SOURCE,
    fit=_FIT,
    framing="multihead",
)
register_preset(
    "clock_sincos",
    build_clock,
    description="Sine and cosine of both hands' angles, tanh outputs (label transformation).",
    source=_SOURCE,
    fit=_FIT,
    framing="sincos",
)
register_preset(
    "clock_final",
    build_clock,
    description="Seed 002's final model: sincos with leaky ReLU, L2, dropout, batch norm; "
    "trained longer.",
    source=_SOURCE,
    fit={**_FIT, "epochs": 30},
    framing="sincos",
    activation="leaky_relu",
    batch_norm=True,
    conv_dropout=(0.0, 0.0, 0.0, 0.0, 0.2),
    dense_batch_norm=True,
    l2=1e-5,
)
