"""Reading analog clocks: IDL A2's ways to frame the target, and one error for all of them.

Every clock model trains on the same label, the exact time in minutes past 12:00
(``0 <= t < 720``, what ``zoo.data.load("clocks", ...)`` yields). A *framing* says
what the network outputs and how that becomes a time again:

- ``regression``: one number, the time in hours (11:55 is 11.917, as IDL A2 has it; MSE);
- ``classification``: ``num_classes`` equal slices of the 720 minutes (24, 72, 720);
- ``multihead``: the hour as 12 classes and the minute as a number in [0, 1) (a linear
  output, as IDL A2's Keras Dense is; ``minute_activation="sigmoid"`` squashes it);
- ``sincos``: sine and cosine of the hour hand's angle (tanh outputs), IDL A2's label
  transformation: 11:55 and 0:05 are close as targets, as they are on the dial;
- ``sincos_both_hands``: the zoo's variant, sine and cosine of both hands' angles, so
  the minutes come from the minute hand.

``ClockLoss`` turns the time into the framing's targets inside the loss and
``ClockError`` decodes the outputs back into a time, so every framing reports the
same number: the common-sense error, the minutes between two times on a 12-hour dial
(``zoo.metrics.common_sense_error`` is the same for numpy arrays). ``zoo.clock.evaluate``
scores a whole test set (``zoo.evaluation.clock``).
"""

from __future__ import annotations

import math

import keras
from keras import ops

from zoo import saving
from zoo.errors import did_you_mean

DIAL = 720  # minutes on a 12-hour dial
FRAMINGS = ("regression", "classification", "multihead", "sincos", "sincos_both_hands")
MINUTE_ACTIVATIONS = ("linear", "sigmoid")


def check_framing(framing, num_classes=None) -> tuple[str, int | None]:
    """``(framing, num_classes)`` checked: a known framing, and a class count only for
    classification, one that splits the 720 minutes into equal slices."""
    if framing not in FRAMINGS:
        raise ValueError(
            f"Unknown clock framing.{did_you_mean(str(framing), FRAMINGS)} Known: "
            f"{', '.join(FRAMINGS)}. Received: framing={framing!r}"
        )
    if framing != "classification":
        if num_classes is not None:
            raise ValueError(
                f"num_classes is for framing='classification' only. Received: framing={framing!r}"
                f", num_classes={num_classes!r}"
            )
        return framing, None
    if not isinstance(num_classes, int) or num_classes < 2 or DIAL % num_classes:
        raise ValueError(
            "num_classes must divide the 720 minutes of the dial into equal slices "
            f"(e.g. 12, 24, 72, 720). Received: num_classes={num_classes!r}"
        )
    return framing, num_classes


def check_minute_activation(minute_activation) -> str:
    """The multi-head minute output's activation: "linear" (IDL A2's, Keras's Dense
    default) or "sigmoid" (the zoo's option)."""
    if minute_activation not in MINUTE_ACTIVATIONS:
        raise ValueError(
            f"`minute_activation` must be one of {', '.join(MINUTE_ACTIVATIONS)}. "
            f"Received: minute_activation={minute_activation!r}"
        )
    return minute_activation


def output_size(framing, num_classes=None) -> int:
    framing, num_classes = check_framing(framing, num_classes)
    sizes = {"regression": 1, "multihead": 13, "sincos": 2, "sincos_both_hands": 4}
    return num_classes if framing == "classification" else sizes[framing]


def encode(framing, minutes, num_classes=None):
    """The framing's targets for times in minutes (class ids for classification)."""
    framing, num_classes = check_framing(framing, num_classes)
    t = ops.reshape(ops.cast(minutes, "float32"), (-1,))
    if framing == "regression":
        return ops.expand_dims(t / 60.0, -1)
    if framing == "classification":
        return ops.cast(ops.floor(t / (DIAL / num_classes)), "int32")
    minute = ops.mod(t, 60.0)
    if framing == "multihead":
        return ops.stack([ops.floor(t / 60.0), minute / 60.0], axis=-1)
    hour_angle, minute_angle = 2 * math.pi * t / DIAL, 2 * math.pi * minute / 60.0
    if framing == "sincos":
        return ops.stack([ops.sin(hour_angle), ops.cos(hour_angle)], axis=-1)
    return ops.stack(
        [ops.sin(hour_angle), ops.cos(hour_angle), ops.sin(minute_angle), ops.cos(minute_angle)],
        axis=-1,
    )


def decode(framing, outputs, num_classes=None):
    """Times in minutes, in [0, 720), from a batch of the framing's model outputs."""
    framing, num_classes = check_framing(framing, num_classes)
    y = ops.cast(outputs, "float32")
    expected = output_size(framing, num_classes)
    if len(y.shape) != 2 or y.shape[-1] != expected:
        raise ValueError(
            f"A '{framing}' clock model outputs (batch, {expected}). "
            f"Received: predictions of shape {tuple(y.shape)}"
        )
    if framing == "regression":
        return ops.mod(y[:, 0] * 60.0, DIAL)
    if framing == "classification":
        width = DIAL / num_classes
        return (ops.cast(ops.argmax(y, axis=-1), "float32") + 0.5) * width
    if framing == "multihead":
        hour = ops.cast(ops.argmax(y[:, :12], axis=-1), "float32")
        return hour * 60.0 + ops.clip(y[:, 12], 0.0, 1.0 - 1e-6) * 60.0
    by_hour_hand = ops.mod(ops.arctan2(y[:, 0], y[:, 1]) / (2 * math.pi) * DIAL, DIAL)
    if framing == "sincos":
        return by_hour_hand
    # Both hands: the minute hand gives the minutes; the hour hand picks the hour that fits.
    minute = ops.mod(ops.arctan2(y[:, 2], y[:, 3]) / (2 * math.pi) * 60.0, 60.0)
    hour = ops.round((by_hour_hand - minute) / 60.0)
    return ops.mod(hour * 60.0 + minute, DIAL)


def common_sense_error(true_minutes, predicted_minutes):
    """Minutes between two times on a 12-hour dial (0-360), with keras.ops, per example."""
    d = ops.mod(ops.abs(ops.cast(true_minutes, "float32") - predicted_minutes), DIAL)
    return ops.minimum(d, DIAL - d)


def _framing_config(obj) -> dict:
    """What ClockOutput and ClockLoss save: the framing and the multi-head loss weights."""
    names = ("framing", "num_classes", "hour_weight", "minute_weight")
    return {name: getattr(obj, name) for name in names}


@saving.serializable
class ClockOutput(keras.layers.Layer):
    """The framing's output activation, on the head's logits; float32 under mixed precision.

    It knows its framing, so ``zoo.fit`` takes the loss and metric from it
    (``default_loss``, ``default_metrics``) when they are not given. The multi-head
    minute is linear (``minute_activation="linear"``, decoding clips it to [0, 60)
    minutes) or a sigmoid (``"sigmoid"``).
    """

    def __init__(
        self,
        framing,
        num_classes=None,
        hour_weight=1.0,
        minute_weight=1.0,
        minute_activation="linear",
        **kwargs,
    ):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.framing, self.num_classes = check_framing(framing, num_classes)
        self.hour_weight = float(hour_weight)
        self.minute_weight = float(minute_weight)
        self.minute_activation = check_minute_activation(minute_activation)

    def call(self, x):
        if self.framing == "regression":
            return x
        if self.framing == "classification":
            return ops.softmax(x, axis=-1)
        if self.framing == "multihead":
            minute = ops.sigmoid(x[:, 12:]) if self.minute_activation == "sigmoid" else x[:, 12:]
            return ops.concatenate([ops.softmax(x[:, :12], axis=-1), minute], -1)
        return ops.tanh(x)

    def compute_output_shape(self, input_shape):
        return input_shape

    def default_loss(self):
        return ClockLoss(self.framing, self.num_classes, self.hour_weight, self.minute_weight)

    def default_metrics(self):
        return [ClockError(self.framing, self.num_classes)]

    def get_config(self):
        return {
            **super().get_config(),
            **_framing_config(self),
            "minute_activation": self.minute_activation,
        }

    @classmethod
    def from_config(cls, config):
        # Files saved before the option have no key and were trained with the sigmoid.
        return super().from_config({"minute_activation": "sigmoid", **config})


@saving.serializable
class ClockLoss(keras.losses.Loss):
    """The framing's loss on labels given as times in minutes.

    regression and both sincos framings: mean squared error; classification: cross-entropy over
    the time slices; multihead: ``hour_weight`` x hour cross-entropy +
    ``minute_weight`` x squared error of the minute scaled to [0, 1].
    """

    def __init__(
        self, framing, num_classes=None, hour_weight=1.0, minute_weight=1.0, name=None, **kw
    ):
        super().__init__(name=name or f"clock_{framing}_loss", **kw)
        self.framing, self.num_classes = check_framing(framing, num_classes)
        self.hour_weight = float(hour_weight)
        self.minute_weight = float(minute_weight)

    def call(self, y_true, y_pred):
        target = encode(self.framing, y_true, self.num_classes)
        if self.framing == "classification":
            return keras.losses.sparse_categorical_crossentropy(target, y_pred)
        if self.framing == "multihead":
            hour = keras.losses.sparse_categorical_crossentropy(target[:, 0], y_pred[:, :12])
            minute = ops.square(y_pred[:, 12] - target[:, 1])
            return self.hour_weight * hour + self.minute_weight * minute
        return ops.mean(ops.square(y_pred - target), axis=-1)

    def get_config(self):
        return {**super().get_config(), **_framing_config(self)}


@saving.serializable
class ClockError(keras.metrics.MeanMetricWrapper):
    """Mean common-sense error in minutes of the decoded predictions."""

    def __init__(self, framing, num_classes=None, name="clock_error", dtype=None):
        self.framing, self.num_classes = check_framing(framing, num_classes)
        super().__init__(self._error, name=name, dtype=dtype)

    def _error(self, y_true, y_pred):
        return common_sense_error(
            ops.reshape(y_true, (-1,)), decode(self.framing, y_pred, self.num_classes)
        )

    def get_config(self):
        return {
            "framing": self.framing,
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
        }


def framing_of(model) -> tuple[str, int | None]:
    """The ``(framing, num_classes)`` of a clock model (its last layer is a ClockOutput)."""
    last = model.layers[-1]
    if not isinstance(last, ClockOutput):
        raise ValueError(
            "Not a clock model: its last layer should be a ClockOutput (build one with "
            f"zoo.build('clock_sincos') or another clock_* preset). Received: {type(last).__name__}"
        )
    return last.framing, last.num_classes
