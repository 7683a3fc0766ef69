"""A Keras 3 model zoo for the course assignments it was built from.

    import zoo
    model = zoo.build("kth_cnn")
    train, val, test = zoo.data.load_splits("cifar10", normalize="centered")
    zoo.fit(model, train, val, epochs=30)
    report = zoo.evaluate(model, test)

Runs on the TensorFlow and the JAX backend (``KERAS_BACKEND``). The library's layers,
lowest first: ``data``, ``models``, ``training``, ``evaluation``, ``figures``, then the
task namespaces ``clock``, ``generative`` and ``diffusion``; ``zoo.cli`` is the
application on top (the commands, the demo, the example scripts' frame).
"""

from zoo.backend import configure_xla_cpu, import_tensorflow_quietly

configure_xla_cpu()  # before anything starts JAX
import_tensorflow_quietly()  # before anything else imports TensorFlow

from zoo import clock, data, diffusion, evaluation, figures, generative, models, training  # noqa: E402
from zoo.evaluation import Report, evaluate, metrics, quality  # noqa: E402
from zoo.models.registry import (  # noqa: E402
    Preset,
    build,
    describe,
    get_preset,
    list_models,
    register_preset,
)
from zoo.training import (  # noqa: E402
    callbacks,
    distribute,
    fit,
    losses,
    set_seed,
    transfer,
)
from zoo.training.distribute import data_parallel  # noqa: E402
from zoo.training.precision import mixed_precision  # noqa: E402

plots = figures  # the name the figures have always had

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
    "evaluation",
    "figures",
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
    "training",
    "transfer",
]
__version__ = "0.1.0"
