"""Clock-reading presets: IDL A2's four framings of the time and its final model.

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

SOURCE = "IDL A2, Task 2 and Table 9"
#: Every framing trains alike, so Table 9 compares the framings alone.
FIT = {"optimizer": "adam", "learning_rate": 1e-3, "schedule": "cosine", "epochs": 12}

PRESETS = {
    "clock_regression": {
        "description": "Reads the time as one number, a fraction of the dial (MSE).",
        "source": SOURCE,
        "model": {"framing": "regression"},
        "data": {"batch_size": 128},
        "fit": FIT,
    },
    "clock_classification": {
        "description": "Reads the time as one of num_classes slices of the dial (24, 72 or 720).",
        "source": SOURCE,
        "model": {"framing": "classification", "num_classes": 24},
        "data": {"batch_size": 128},
        "fit": FIT,
    },
    "clock_multihead": {
        "description": "Two heads: the hour as 12 classes, the minute as a number in [0, 1].",
        "source": SOURCE,
        "model": {"framing": "multihead"},
        "data": {"batch_size": 128},
        "fit": FIT,
    },
    "clock_sincos": {
        "description": "Sine and cosine of both hands' angles, tanh outputs (label "
        "transformation).",
        "source": SOURCE,
        "model": {"framing": "sincos"},
        "data": {"batch_size": 128},
        "fit": FIT,
    },
    "clock_final": {
        "description": "IDL A2's final model: sincos with leaky ReLU, L2, dropout, batch norm; "
        "trained longer.",
        "source": SOURCE,
        "model": {
            "framing": "sincos",
            "activation": "leaky_relu",
            "batch_norm": True,
            "conv_dropout": (0.0, 0.0, 0.0, 0.0, 0.2),
            "dense_batch_norm": True,
            "l2": 1e-5,
        },
        "data": {"batch_size": 128},
        "fit": {**FIT, "epochs": 30},
    },
}
