"""Plain-function metrics that the reference reports quote.

Each takes numpy-like arrays and returns a Python float. Labels may be integer
class ids of shape (N,) or (N, 1), or one-hot rows of shape (N, num_classes).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.metrics import balanced_accuracy_score


def as_labels(y, name: str = "y_true") -> np.ndarray:
    """Integer class ids of shape (N,) from ids, (N, 1) ids or one-hot rows."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    elif y.ndim == 2:
        y = np.argmax(y, axis=1)
    if y.ndim != 1:
        raise ValueError(
            f"`{name}` must be class ids of shape (N,) or one-hot rows of shape (N, classes). "
            f"Received: {name}.shape={y.shape}"
        )
    if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
        raise ValueError(f"`{name}` must hold integer class ids. Received: {name}={y[:5]!r}...")
    return y.astype(np.int64)


def check_same_length(**arrays) -> int:
    """Raise a ValueError naming every length unless all arrays have the same length."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        received = ", ".join(f"len({name})={n}" for name, n in lengths.items())
        raise ValueError(f"The arrays must have the same length. Received: {received}")
    n = next(iter(lengths.values()))
    if n == 0:
        raise ValueError(f"The arrays are empty. Received: {', '.join(lengths)} of length 0")
    return n


def accuracy(y_true, y_pred) -> float:
    """Fraction of predictions equal to the true class."""
    y_true, y_pred = as_labels(y_true), as_labels(y_pred, "y_pred")
    check_same_length(y_true=y_true, y_pred=y_pred)
    return float(np.mean(y_true == y_pred))


def average_top1_recall(y_true, y_pred) -> float:
    """Mean over the classes present in `y_true` of each class's recall (KTH EQ2425's metric).

    It is the macro-averaged recall, and scikit-learn's balanced accuracy: each class
    counts the same however many test examples it has.
    """
    y_true, y_pred = as_labels(y_true), as_labels(y_pred, "y_pred")
    check_same_length(y_true=y_true, y_pred=y_pred)
    with warnings.catch_warnings():
        # Predicting a class that the test data lacks is fine here; sklearn warns about it.
        warnings.simplefilter("ignore", UserWarning)
        return float(balanced_accuracy_score(y_true, y_pred))


def top_k_indices(probabilities, k: int) -> np.ndarray:
    """The k highest-scoring classes of each row, best first, shape (N, k)."""
    probabilities = np.asarray(probabilities)
    if probabilities.ndim != 2:
        raise ValueError(
            "`probabilities` must have shape (N, num_classes). "
            f"Received: probabilities.shape={probabilities.shape}"
        )
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"`k` must be a positive integer. Received: k={k!r}")
    k = min(int(k), probabilities.shape[1])
    # A stable sort of the negated scores breaks ties towards the lower class id.
    return np.argsort(-probabilities, axis=1, kind="stable")[:, :k]


def top_k_accuracy(y_true, probabilities, k: int = 5) -> float:
    """Fraction of examples whose true class is among the k highest scores.

    Works the same on probabilities and on logits. With k >= num_classes it is 1.0.
    """
    y_true = as_labels(y_true)
    top = top_k_indices(probabilities, k)
    check_same_length(y_true=y_true, probabilities=top)
    return float(np.mean(np.any(top == y_true[:, None], axis=1)))


DIAL_MINUTES = 720


def common_sense_error(true_minutes, predicted_minutes):
    """Minutes between two times on a 12-hour dial: the shortest way round, 0 to 360.

    Times are minutes past 12:00 in [0, 720) (11:55 is 715); 11:55 and 0:05 are 10
    minutes apart, 6:00 and 0:00 are 360. Takes scalars or arrays of the same shape and
    returns a float or an array of per-example errors (IDL A2's "common sense" loss,
    in minutes rather than hours).
    """
    a = np.asarray(true_minutes, dtype=np.float64)
    b = np.asarray(predicted_minutes, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            "The true and predicted times must have the same shape. "
            f"Received: true_minutes.shape={a.shape}, predicted_minutes.shape={b.shape}"
        )
    for name, t in (("true_minutes", a), ("predicted_minutes", b)):
        if t.size and (not np.all(np.isfinite(t)) or t.min() < 0 or t.max() >= DIAL_MINUTES):
            raise ValueError(
                f"`{name}` must be minutes past 12:00 in [0, {DIAL_MINUTES}). "
                f"Received: values from {np.nanmin(t)} to {np.nanmax(t)}"
            )
    d = np.abs(a - b)
    error = np.minimum(d, DIAL_MINUTES - d)
    return float(error) if error.ndim == 0 else error
