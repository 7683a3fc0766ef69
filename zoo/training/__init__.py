"""Training: ``zoo.fit`` and the Keras pieces it composes.

Each piece also works with a plain ``model.fit``: ``callbacks`` (precise batch norm,
stop on NaN), ``losses``, ``distribute`` (data parallelism over devices),
``precision`` (mixed precision), ``rundir`` (one run per directory) and ``transfer``
(load every layer but the head).
"""

from zoo.training import callbacks, distribute, losses, precision, rundir
from zoo.training.trainer import fit, set_seed
from zoo.training.transfer import transfer

__all__ = [
    "callbacks",
    "distribute",
    "fit",
    "losses",
    "precision",
    "rundir",
    "set_seed",
    "transfer",
]
