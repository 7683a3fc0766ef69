"""Clock-reading presets: IDL A2's four framings of the time and its final model.

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

from zoo.models.presets.mlp import MOVING_BN_STATISTICS

SOURCE = "IDL A2, Task 2 and Table 9"
#: Every framing trains alike, so Table 9 compares the framings alone: Adam with Keras's
#: defaults (learning rate 1e-3, epsilon 1e-7, a constant rate), as the reference says
#: "Adam"; model.fit's batch of 32, for the reference names none. It names no epoch count
#: either (Keras's default, 1, trains nothing), so 12 is the zoo's.
FIT = {"optimizer": "adam", "learning_rate": 1e-3, "epochs": 12, **MOVING_BN_STATISTICS}
DATA = {"batch_size": 32}

PRESETS = {
    "clock_regression": {
        "description": "Reads the time as one number, in hours (MSE).",
        "source": SOURCE,
        "model": {"framing": "regression"},
        "data": DATA,
        "fit": FIT,
    },
    "clock_classification": {
        "description": "Reads the time as one of num_classes slices of the dial (24, 72 or 720).",
        "source": SOURCE,
        "model": {"framing": "classification", "num_classes": 24},
        "data": DATA,
        "fit": FIT,
    },
    "clock_multihead": {
        "description": "Two heads: the hour as 12 classes, the minute as a number in [0, 1).",
        "source": SOURCE,
        # The minute scaled to [0, 1) and the two losses weighed alike (Keras's default
        # loss weights), as the reference does; the builder's own minute_weight is 10.
        # Section 2.3's minute head is a regression with MSE and names no activation, so
        # it is linear, Keras's Dense default (the builder's minute_activation="linear";
        # "sigmoid" is the zoo's option).
        "model": {"framing": "multihead", "minute_weight": 1.0},
        "data": DATA,
        "fit": FIT,
    },
    "clock_sincos": {
        "description": "Sine and cosine of the hour hand's angle, tanh outputs (label "
        "transformation).",
        "source": SOURCE,
        "model": {"framing": "sincos"},
        "data": DATA,
        "fit": FIT,
    },
    "clock_sincos_both_hands": {
        "description": "The zoo's label transformation: sine and cosine of both hands' angles.",
        "source": "zoo variant of IDL A2's clock_sincos: the minutes from the minute hand",
        "model": {"framing": "sincos_both_hands"},
        # The zoo's own recipe (docs/clocks.md): batches of 128, a cosine schedule.
        "data": {"batch_size": 128},
        "fit": {**FIT, "schedule": "cosine"},
    },
    "clock_final": {
        "description": "IDL A2's final model: sincos with leaky ReLU, L2, dropout after the "
        "convs, batch norm after the first dense layer; a smaller rate, more epochs.",
        "source": SOURCE,
        # Section 2.5 names the changes, not their values: L2 is Keras's "l2" (0.01); the
        # dropout rate (Keras has no default) and the rate and epochs, "smaller" and
        # "larger" than the other framings', are the zoo's.
        "model": {
            "framing": "sincos",
            "activation": "leaky_relu",
            # Section 2.5 says "leakyrelu" and gives no slope, so it is Keras's
            # layers.LeakyReLU() default, 0.3 (the builders default to PyTorch's 0.01).
            "leaky_relu_slope": 0.3,
            "conv_dropout": (0.0, 0.0, 0.0, 0.0, 0.2),
            "dense_batch_norm": True,
            "l2": 0.01,
        },
        "data": DATA,
        "fit": {**FIT, "learning_rate": 1e-4, "epochs": 30},
    },
}
