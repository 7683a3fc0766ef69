"""Score a clock model: read every clock of a test set and measure the common-sense error."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from keras import ops

from zoo.evaluation import metrics
from zoo.evaluation.classification import numpy_batches
from zoo.models.clock_framings import DIAL, decode, framing_of
from zoo.progress import count, progress


@dataclasses.dataclass(eq=False)
class ClockReport:
    """True and predicted times of a test set, and their common-sense errors (minutes)."""

    framing: str
    true: np.ndarray
    predicted: np.ndarray
    errors: np.ndarray

    @property
    def mean(self) -> float:
        return float(self.errors.mean())

    @property
    def median(self) -> float:
        return float(np.median(self.errors))

    def to_dict(self) -> dict:
        return {
            "framing": self.framing,
            "examples": int(self.errors.size),
            "mean_error_minutes": self.mean,
            "median_error_minutes": self.median,
            "p90_error_minutes": float(np.percentile(self.errors, 90)),
            "within_5_minutes": float(np.mean(self.errors <= 5)),
        }

    def __str__(self) -> str:
        d = self.to_dict()
        return (
            f"{self.framing}: common-sense error mean {d['mean_error_minutes']:.2f} min, median "
            f"{d['median_error_minutes']:.2f} min, 90th percentile {d['p90_error_minutes']:.2f} "
            f"min, {100 * d['within_5_minutes']:.1f}% within 5 min ({d['examples']} clocks)"
        )


def predict_minutes(model, images, batch_size: int = 256, *, verbose="auto") -> np.ndarray:
    """The times (minutes past 12:00) that a clock model reads from ``images``
    (``verbose`` goes to ``model.predict``)."""
    framing, num_classes = framing_of(model)
    outputs = model.predict(np.asarray(images), batch_size=batch_size, verbose=verbose)
    return np.asarray(ops.convert_to_numpy(decode(framing, outputs, num_classes)))


def evaluate(model, data, batch_size: int = 256, *, verbose="auto") -> ClockReport:
    """Read every clock of ``data`` (batches of ``(images, minutes)``) and score the times;
    ``verbose`` as in ``model.evaluate``: a bar over the batches unless 0."""
    framing, _ = framing_of(model)
    true, predicted = [], []
    for x, y in progress(numpy_batches(data), count(data), verbose=verbose):
        predicted.append(predict_minutes(model, x, batch_size, verbose=0))
        true.append(np.asarray(y, np.float64).reshape(-1))
    if not true:
        raise ValueError("`data` yielded no batches. Received: an empty dataset")
    true, predicted = np.concatenate(true), np.concatenate(predicted)
    return ClockReport(framing, true, predicted, metrics.common_sense_error(true, predicted))


def format_time(minutes) -> str:
    """``"h:mm"`` for a time in minutes past 12:00, the way a clock shows it."""
    m = int(math.floor(float(minutes))) % DIAL
    return f"{(m // 60) or 12}:{m % 60:02d}"
