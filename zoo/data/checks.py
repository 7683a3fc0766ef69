"""Cheap checks of training data, so that bad data stops before training, in words.

``check_data`` looks at the first batch now (shape, finite values, labels) and, for a
``tf.data.Dataset``, checks every later batch as it is read; ``bad_batches_in_words``
turns such a failure into a ``ValueError`` with the message.
"""

from __future__ import annotations

import contextlib

import keras
import numpy as np
import tensorflow as tf

_MARK = "zoo.data.checks: "


def check_data(model: keras.Model, data, num_classes: int | None, what: str = "training"):
    """``data`` (``(x, y)`` arrays or a dataset of ``(x, y)`` batches), checked against
    ``model``: raises ``ValueError`` for inputs of a shape the model does not take,
    inputs that are not finite, or (with ``num_classes``) integer labels outside
    ``0..num_classes - 1``. Arrays are checked whole; a dataset's first batch now and
    every batch as it is read."""
    if isinstance(data, tuple):
        _check_batch(model, data[0], data[1] if len(data) > 1 else None, num_classes, what)
        return data
    if not isinstance(data, tf.data.Dataset):
        return data
    first = next(iter(data), None)
    if first is None:
        raise ValueError(f"The {what} data has no batches. Received: an empty dataset")
    if not isinstance(first, (tuple, list)) or len(first) < 2:
        return data  # not (x, y): nothing here to check it against
    _check_batch(model, first[0].numpy(), first[1].numpy(), num_classes, what)
    return data.map(
        _batch_check(num_classes, what), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
    )


@contextlib.contextmanager
def bad_batches_in_words():
    """Re-raise a failed batch check from inside ``model.fit`` as a plain ``ValueError``."""
    try:
        yield
    except tf.errors.InvalidArgumentError as error:
        text = str(error)
        if _MARK not in text:
            raise
        message = text[text.index(_MARK) + len(_MARK) :].split("\n")[0].rstrip("]. ")
        raise ValueError(message.rstrip("'\"") + ".") from None


def _check_batch(model, x, y, num_classes, what):
    shape = model.input_shape
    arrays = keras.tree.flatten(x)
    if isinstance(shape, tuple) and len(arrays) == 1 and hasattr(arrays[0], "shape"):
        found = tuple(arrays[0].shape)
        if len(found) != len(shape) or any(
            want is not None and want != got for want, got in zip(shape[1:], found[1:])
        ):
            raise ValueError(
                f"Model '{model.name}' takes inputs of shape {shape}, but the {what} data "
                f"has batches of shape {found}. Build the model for this data "
                "(zoo.data.info(name).model_options()) or load the data at the model's size "
                f"(image_size=...). Received: inputs of shape {found}"
            )
    for array in arrays:
        array = np.asarray(array)
        if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
            bad = int(np.size(array) - np.isfinite(array).sum())
            raise ValueError(
                f"The {what} inputs hold {bad} values that are NaN or infinite. Clean or "
                "drop those examples before training. Received: inputs with non-finite values"
            )
    if num_classes is None or y is None:
        return
    labels = np.asarray(y)
    if not np.issubdtype(labels.dtype, np.integer) or labels.ndim > 1:
        return
    outside = labels[(labels < 0) | (labels >= num_classes)]
    if outside.size:
        shown = ", ".join(map(str, np.unique(outside)[:5]))
        raise ValueError(
            f"The {what} labels must be class ids in 0..{num_classes - 1} for model "
            f"'{model.name}' ({num_classes} outputs), but some are {shown}. Build the model "
            f"with num_classes= the data's classes. Received: labels {shown}"
        )


def _batch_check(num_classes, what):
    finite = f"{_MARK}The {what} inputs hold values that are NaN or infinite"
    labels = (
        f"{_MARK}The {what} labels must be class ids in 0..{num_classes - 1} "
        f"({num_classes} outputs), but a batch has others"
        if num_classes
        else ""
    )

    def check(x, y, *rest):
        asserts = [
            tf.debugging.Assert(tf.reduce_all(tf.math.is_finite(t)), [finite])
            for t in tf.nest.flatten(x)
            if t.dtype.is_floating
        ]
        if num_classes and y.dtype.is_integer:
            inside = tf.reduce_all((y >= 0) & (y < tf.cast(num_classes, y.dtype)))
            asserts.append(tf.debugging.Assert(inside, [labels]))
        with tf.control_dependencies(asserts):
            return (tf.nest.map_structure(tf.identity, x), tf.identity(y), *rest)

    return check
