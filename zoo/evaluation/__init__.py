"""Evaluation, one module per task: ``classification`` (``zoo.evaluate``: accuracy, macro
precision/recall/F1, per-class scores), ``clock`` (minutes off on the dial), ``quality``
(Fréchet distance and inception-style score of generated images) and the numpy
``metrics`` they share. Nothing here imports tensorflow.
"""

from zoo.evaluation import clock, metrics, quality
from zoo.evaluation.classification import (
    Report,
    evaluate,
    numpy_batches,
    predict_arrays,
    take_examples,
)

__all__ = [
    "Report",
    "clock",
    "evaluate",
    "metrics",
    "numpy_batches",
    "predict_arrays",
    "quality",
    "take_examples",
]
