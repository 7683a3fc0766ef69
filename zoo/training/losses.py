"""Losses written with ``keras.ops`` only, so they run on every backend.

``CrossEntropy`` is CMU HW1's "write your own loss": the sparse categorical
cross-entropy, equal to Keras's own to 1e-6, and usable in ``compile``.
"""

from __future__ import annotations

import keras
from keras import ops

from zoo import saving


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing=0.0):
    """Per-example cross-entropy of integer labels ``y_true`` against ``y_pred`` (N, K).

    With probabilities they are clipped to [eps, 1 - eps] first, as Keras does,
    so a confident wrong answer costs -log(eps) instead of infinity.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    num_classes = y_pred.shape[-1]
    if from_logits:
        log_probs = ops.log_softmax(y_pred, axis=-1)
    else:
        eps = keras.backend.epsilon()
        probs = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
        log_probs = ops.log(ops.clip(probs, eps, 1.0 - eps))
    labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
    targets = ops.one_hot(labels, num_classes, dtype=log_probs.dtype)
    if label_smoothing:
        targets = targets * (1.0 - label_smoothing) + label_smoothing / num_classes
    return -ops.sum(targets * log_probs, axis=-1)


@saving.serializable
class CrossEntropy(keras.losses.Loss):
    """Sparse categorical cross-entropy as a Keras ``Loss`` (mean over the batch)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, name="cross_entropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        return sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=self.from_logits, label_smoothing=self.label_smoothing
        )

    def get_config(self):
        return {
            **super().get_config(),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


def compile_defaults(model, *, loss=None, metrics=None, label_smoothing: float = 0.0) -> dict:
    """The ``loss`` and ``metrics`` that ``model``'s head calls for, for ``compile``.

    As KerasHub tasks' ``loss="auto"``: a head with its own ``default_loss()`` and
    ``default_metrics()`` (the clock heads) gives them; any other head is a classifier,
    scored by sparse cross-entropy (from logits when the head has no softmax, with
    ``label_smoothing``) and accuracy. A ``loss`` or ``metrics`` given wins.

        model.compile(optimizer="adam", **zoo.losses.compile_defaults(model))
    """
    head = model.layers[-1]
    if loss is None and hasattr(head, "default_loss"):
        loss = head.default_loss()
    if metrics is None:
        metrics = getattr(head, "default_metrics", lambda: ["accuracy"])()
    if loss is None:
        from_logits = getattr(head, "activation", None) is keras.activations.linear
        if label_smoothing:
            loss = CrossEntropy(label_smoothing=label_smoothing, from_logits=from_logits)
        else:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    return {"loss": loss, "metrics": list(metrics)}
