"""A Keras 3 model zoo for the course assignments it was built from.

    import zoo
    model = zoo.build("kth_cnn")
    train, val, test = zoo.data.load_splits("cifar10", normalize="centered")
    zoo.fit(model, train, val, epochs=30)
    report = zoo.evaluate(model, test)

Runs on the TensorFlow and the JAX backend (``KERAS_BACKEND``).
"""

from zoo import data, losses, metrics, models, plots
from zoo.evaluation import Report, evaluate
from zoo.registry import Preset, build, describe, get_preset, list_models, register_preset
from zoo.training import fit
from zoo.transfer import transfer

__all__ = [
    "Preset",
    "Report",
    "build",
    "data",
    "describe",
    "evaluate",
    "fit",
    "get_preset",
    "list_models",
    "losses",
    "metrics",
    "models",
    "plots",
    "register_preset",
    "transfer",
]
__version__ = "0.1.0"
