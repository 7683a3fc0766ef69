"""Training: ``zoo.fit`` and the Keras pieces it composes.

Each piece also works with a plain ``model.compile`` and ``model.fit``: ``optimizers``
(optimizers and learning-rate schedules by name), ``losses`` (``compile_defaults``: the
loss and metrics a model's head calls for), ``callbacks`` (precise batch norm, stop on
NaN, ``run_callbacks``: all of a run's), ``distribute`` (data parallelism over devices),
``precision`` (mixed precision), ``rundir`` (one run per directory) and ``transfer``
(load every layer but the head).
"""

from zoo.training import callbacks, distribute, losses, optimizers, precision, rundir
from zoo.training.trainer import fit, set_seed
from zoo.training.transfer import transfer

__all__ = [
    "callbacks",
    "distribute",
    "fit",
    "losses",
    "optimizers",
    "precision",
    "rundir",
    "set_seed",
    "transfer",
]
