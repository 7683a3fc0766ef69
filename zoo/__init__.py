"""A Keras 3 model zoo for the course assignments it was built from.

    import zoo
    model = zoo.build("kth_cnn")
    train, val, test = zoo.data.load_splits("cifar10", normalize="centered")
    zoo.fit(model, train, val, epochs=30)
    report = zoo.evaluate(model, test)

Runs on the TensorFlow and the JAX backend (``KERAS_BACKEND``).
"""

from zoo.backend import configure_xla_cpu

configure_xla_cpu()  # before anything starts JAX

from zoo import (  # noqa: E402
    callbacks,
    clock,
    data,
    diffusion,
    generative,
    losses,
    metrics,
    models,
    plots,
    quality,
)
from zoo.distribute import data_parallel  # noqa: E402
from zoo.evaluation import Report, evaluate  # noqa: E402
from zoo.precision import mixed_precision  # noqa: E402
from zoo.registry import Preset, build, describe, get_preset, list_models, register_preset  # noqa: E402
from zoo.training import fit, set_seed  # noqa: E402
from zoo.transfer import transfer  # noqa: E402

__all__ = [
    "Preset",
    "Report",
    "build",
    "callbacks",
    "clock",
    "data",
    "data_parallel",
    "describe",
    "diffusion",
    "distribute",
    "evaluate",
    "fit",
    "generative",
    "get_preset",
    "list_models",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "plots",
    "quality",
    "register_preset",
    "set_seed",
    "transfer",
]
__version__ = "0.1.0"
