"""Score a classifier on test data: one prediction pass, every number the reference reports quote.

    report = evaluate(model, test, class_names=names)
    print(report)               # headline metrics, per-class table, best and worst 5
    report.save("runs/cnn/report.json")

`data` is a batched `tf.data.Dataset` of `(images, labels)`, any iterable of such
numpy batches, or one `(x, y)` tuple of arrays. Nothing here imports tensorflow.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import keras
import numpy as np
from sklearn.metrics import classification_report, confusion_matrix, precision_recall_fscore_support

from zoo.evaluation import metrics, tables
from zoo.progress import count, progress
from zoo.training import distribute


def numpy_batches(data):
    """Yield `(x, y)` numpy batches from a dataset, an iterable of batches or an `(x, y)` tuple.

    tfds dicts with "image" and "label" keys are accepted too.
    """
    if isinstance(data, (tuple, list)) and len(data) == 2 and not _is_batch_list(data):
        yield np.asarray(data[0]), np.asarray(data[1])
        return
    batches = data.as_numpy_iterator() if hasattr(data, "as_numpy_iterator") else data
    for batch in batches:
        if isinstance(batch, dict) and {"image", "label"} <= batch.keys():
            batch = (batch["image"], batch["label"])
        if not isinstance(batch, (tuple, list)) or len(batch) < 2:
            raise ValueError(
                "`data` must yield `(images, labels)` batches (use `as_supervised=True` with "
                f"tfds). Received: a batch of type {type(batch).__name__}"
            )
        yield np.asarray(batch[0]), np.asarray(batch[1])


def _is_batch_list(data) -> bool:
    # A list of two (x, y) batches, rather than one (x, y) pair of arrays.
    return all(isinstance(item, (tuple, list)) and len(item) == 2 for item in data)


def take_examples(data, n: int | None = None, seed: int | None = None):
    """Up to `n` examples of `data` as `(x, y)` arrays (all of them when n is None).

    From a dataset only the first batches are read, until n examples are in hand;
    with a seed, n of those are drawn at random (from the whole arrays for a tuple).
    """
    xs, ys, count = [], [], 0
    for x, y in numpy_batches(data):
        xs.append(x)
        ys.append(y)
        count += len(x)
        if n is not None and seed is None and count >= n:
            break
        if n is not None and seed is not None and count >= 4 * n:
            break
    if not xs:
        raise ValueError("`data` yielded no batches. Received: an empty dataset")
    x, y = np.concatenate(xs), np.concatenate(ys)
    if n is not None and len(x) > n:
        index = np.arange(n)
        if seed is not None:
            index = np.sort(np.random.default_rng(seed).choice(len(x), n, replace=False))
        x, y = x[index], y[index]
    return x, y


@dataclasses.dataclass(eq=False)  # arrays have no truth value; compare to_dict()s
class Report:
    """What `evaluate` measured. Macro averages count only the classes in the test data."""

    accuracy: float
    top_k: int
    top_k_accuracy: float
    precision: float
    recall: float
    f1: float
    average_top1_recall: float
    per_class: dict
    confusion_matrix: np.ndarray
    class_names: list
    y_true: np.ndarray
    y_pred: np.ndarray
    num_classes: int

    @property
    def num_examples(self) -> int:
        return int(len(self.y_true))

    def _ranked(self, n: int, best: bool):
        # Classes absent from the test data have no accuracy to rank.
        present = np.flatnonzero(self.per_class["support"] > 0)
        acc = self.per_class["accuracy"][present]
        # Sort by accuracy, ties by class id, both in a stable order.
        order = np.lexsort((present, -acc if best else acc))
        return [(self.class_names[present[i]], float(acc[i])) for i in order[:n]]

    def best_classes(self, n: int = 5) -> list[tuple[str, float]]:
        """The n classes with the highest accuracy (recall), best first."""
        return self._ranked(n, best=True)

    def worst_classes(self, n: int = 5) -> list[tuple[str, float]]:
        """The n classes with the lowest accuracy (recall), worst first."""
        return self._ranked(n, best=False)

    def to_dict(self) -> dict:
        """JSON-serialisable: arrays become lists."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "per_class":
                value = {key: np.asarray(v).tolist() for key, v in value.items()}
            elif isinstance(value, np.ndarray):
                value = value.tolist()
            out[field.name] = value
        return out

    @classmethod
    def from_dict(cls, d: dict) -> Report:
        d = dict(d)
        d["per_class"] = {key: np.asarray(v) for key, v in d["per_class"].items()}
        for key in ("confusion_matrix", "y_true", "y_pred"):
            d[key] = np.asarray(d[key], dtype=np.int64)
        return cls(**d)

    def save(self, path) -> Path:
        """Write the report as JSON (parent folders are created)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1))
        return path

    @classmethod
    def load(cls, path) -> Report:
        return cls.from_dict(json.loads(Path(path).read_text()))

    def _headline(self) -> list[tuple[str, float]]:
        return [
            ("accuracy", self.accuracy),
            (f"top-{self.top_k} accuracy", self.top_k_accuracy),
            ("precision (macro)", self.precision),
            ("recall (macro)", self.recall),
            ("F1 (macro)", self.f1),
            ("average top-1 recall", self.average_top1_recall),
        ]

    def _repr_markdown_(self) -> str:
        """The headline scores and the per-class table: how a notebook shows a report."""
        headline = [{"metric": label, "value": float(value)} for label, value in self._headline()]
        scores = ("precision", "recall", "f1")
        per_class = [
            {
                "class": self.class_names[i],
                **{key: float(self.per_class[key][i]) for key in scores},
                "support": int(self.per_class["support"][i]),
            }
            for i in np.flatnonzero(self.per_class["support"] > 0)  # as in the averages
        ]
        return "\n\n".join(
            [
                f"{self.num_examples} examples, {self.num_classes} classes",
                tables.markdown_table(headline, ["metric", "value"]),
                tables.markdown_table(per_class, ["class", *scores, "support"]),
            ]
        )

    def __str__(self) -> str:
        lines = [f"examples: {self.num_examples}   classes: {self.num_classes}"]
        lines += [f"{label + ':':<22}{value:.4f}" for label, value in self._headline()]
        present = np.flatnonzero(self.per_class["support"] > 0)
        if len(present) < self.num_classes:
            absent = self.num_classes - len(present)
            lines.append(f"({absent} classes absent from the data are left out of the averages)")
        lines += [
            "",
            classification_report(
                self.y_true,
                self.y_pred,
                labels=present,
                target_names=[self.class_names[i] for i in present],
                digits=4,
                zero_division=0,
            ),
        ]
        for title, ranked in (("best", self.best_classes()), ("worst", self.worst_classes())):
            lines.append(f"{title} {len(ranked)} classes by accuracy:")
            lines += [f"  {name:<24} {acc:.4f}" for name, acc in ranked]
        return "\n".join(lines)


def _predict(model, data, batch_size: int, flip: bool, verbose):
    def predict(x, run):
        probs = _probabilities(run(x))
        if flip:  # the mirror image: width is axis 2 of (batch, height, width, channels)
            probs = (probs + _probabilities(run(np.ascontiguousarray(x[:, :, ::-1])))) / 2
        return probs

    if isinstance(data, (tuple, list)) and len(data) == 2 and not _is_batch_list(data):
        x, y = np.asarray(data[0]), np.asarray(data[1])
        _check_batched(model, x)
        return predict(x, lambda a: predict_arrays(model, a, batch_size, verbose=verbose)), y
    probs, labels, size = [], [], 0
    for x, y in progress(numpy_batches(data), count(data), verbose=verbose):
        _check_batched(model, x)
        size = max(size, len(x))  # every batch runs at the first (largest) batch size
        probs.append(predict(x, lambda a, size=size: _predict_padded(model, a, size)))
        labels.append(y)
    if not probs:
        raise ValueError("`data` yielded no batches. Received: an empty dataset")
    return np.concatenate(probs), np.concatenate(labels)


def predict_arrays(model, x, batch_size: int = 256, *, verbose="auto"):
    """``model``'s outputs for the array ``x``, predicted in batches of one shape.

    The last, smaller batch is padded to the others' size and its outputs cut back:
    Keras compiles its predict function again for each new input shape, and TensorFlow
    warns about retracing when several predictions in a row do so. ``verbose`` as in
    ``model.predict``: a bar over the batches unless 0.
    """
    x = np.asarray(x)
    if not len(x):
        raise ValueError(f"There is nothing to predict. Received: x.shape={x.shape}")
    size = min(batch_size, len(x))
    starts = range(0, len(x), size)
    parts = [
        _predict_padded(model, x[i : i + size], size)
        for i in progress(starts, len(starts), verbose=verbose)
    ]
    return keras.tree.map_structure(lambda *outputs: np.concatenate(outputs), *parts)


def _predict_padded(model, x, size: int):
    """``model``'s outputs for the batch ``x``, run with zeros added up to ``size`` rows."""
    n = len(x)
    if n < size:
        x = np.concatenate([x, np.zeros((size - n, *x.shape[1:]), x.dtype)])
    outputs = distribute.predict_on_batch(model, x)
    return keras.tree.map_structure(lambda output: np.asarray(output)[:n], outputs)


def _check_batched(model, x) -> None:
    shape = getattr(model, "input_shape", None)
    if isinstance(shape, tuple) and shape and x.ndim == len(shape) - 1:
        raise ValueError(
            f"`data` looks unbatched: the model takes inputs of shape {shape} but a batch has "
            f"shape {x.shape}. Call `.batch(...)` on the dataset. Received: x.shape={x.shape}"
        )


def _probabilities(output) -> np.ndarray:
    if isinstance(output, dict) and len(output) == 1:
        output = next(iter(output.values()))
    if isinstance(output, (list, tuple)) and len(output) == 1:
        output = output[0]
    if isinstance(output, (dict, list, tuple)):
        raise ValueError(
            "evaluate() scores a classifier with one output. "
            f"Received: a model with {len(output)} outputs"
        )
    output = np.asarray(output)
    if output.ndim != 2 or output.shape[1] < 2:
        raise ValueError(
            "evaluate() needs model outputs of shape (batch, num_classes) with num_classes >= 2. "
            f"Received: output shape {output.shape}"
        )
    return output


def evaluate(
    model,
    data,
    *,
    class_names=None,
    top_k: int = 5,
    batch_size: int = 256,
    flip: bool = False,
    verbose="auto",
) -> Report:
    """Predict `data` once with `model` and score the predictions.

    `num_classes` is the width of the model's output, so classes missing from the test
    data still get a confusion-matrix row (of zeros) and a per-class entry (support 0).
    `flip=True` is test-time augmentation: each image's class probabilities are the
    mean of the model's on the image and on its left-right mirror image. `verbose` as in
    `model.evaluate`: a bar over the batches unless 0.
    """
    probs, y_true = _predict(model, data, batch_size, flip, verbose)
    y_true = metrics.as_labels(y_true)
    metrics.check_same_length(labels=y_true, predictions=probs)
    num_classes = probs.shape[1]
    if y_true.min() < 0 or y_true.max() >= num_classes:
        raise ValueError(
            f"Labels must be class ids in [0, {num_classes}) for a model with {num_classes} "
            f"outputs. Received: labels from {y_true.min()} to {y_true.max()}"
        )
    if class_names is None:
        class_names = [str(i) for i in range(num_classes)]
    class_names = [str(name) for name in class_names]
    if len(class_names) != num_classes:
        raise ValueError(
            f"`class_names` must name all {num_classes} classes of the model's output. "
            f"Received: {len(class_names)} class names"
        )
    y_pred = np.argmax(probs, axis=1).astype(np.int64)
    labels = np.arange(num_classes)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    present = support > 0
    return Report(
        accuracy=metrics.accuracy(y_true, y_pred),
        top_k=int(top_k),
        top_k_accuracy=metrics.top_k_accuracy(y_true, probs, top_k),
        precision=float(precision[present].mean()),
        recall=float(recall[present].mean()),
        f1=float(f1[present].mean()),
        average_top1_recall=metrics.average_top1_recall(y_true, y_pred),
        per_class={
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support,
            "accuracy": recall.copy(),
        },
        confusion_matrix=confusion_matrix(y_true, y_pred, labels=labels),
        class_names=class_names,
        y_true=y_true,
        y_pred=y_pred,
        num_classes=int(num_classes),
    )
