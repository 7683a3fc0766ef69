"""Batches that split evenly over several devices, for data-parallel training."""

from __future__ import annotations

import tensorflow as tf


def static_batch_size(ds) -> int | None:
    """The batch size every batch of ``ds`` has (batched with ``drop_remainder=True``), or None.

    Raises ``TypeError`` when ``ds`` is not a ``tf.data.Dataset``.
    """
    if not isinstance(ds, tf.data.Dataset):
        raise TypeError(f"Expected a tf.data.Dataset. Received: {type(ds).__name__}")
    spec = tf.nest.flatten(ds.element_spec)[0]
    return spec.shape[0] if spec.shape.rank else None


def even_batches(ds: tf.data.Dataset, multiple: int, message: str) -> tf.data.Dataset:
    """``ds`` with its last batch cut to a multiple of ``multiple`` examples (dropped if empty).

    Only the last batch may be short: a batch that is not a multiple of ``multiple``
    followed by another stops the iteration with ``InvalidArgumentError(message)``.
    """

    def size(element):
        return tf.shape(tf.nest.flatten(element)[0])[0]

    def check(short_before, element):
        ok = tf.debugging.Assert(tf.logical_not(short_before), [message])
        with tf.control_dependencies([ok]):
            element = tf.nest.map_structure(tf.identity, element)
        return size(element) % multiple != 0, element

    def cut(*element):
        element = element[0] if len(element) == 1 else element
        keep = size(element) // multiple * multiple
        return tf.nest.map_structure(lambda t: t[:keep], element)

    checked = ds.scan(tf.constant(False), check)
    return checked.map(cut).filter(lambda *element: size(element) > 0)
