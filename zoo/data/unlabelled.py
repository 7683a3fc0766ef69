"""Images without labels, the data of auto-encoders, VAEs and GANs.

    train = zoo.data.images("fashion_mnist", "train", batch_size=128)
    pairs = zoo.data.images("cifar10", "train", target="image", input_shape=(64, 64, 3))
    moths = zoo.data.images("~/data/butterflies", "train", input_shape=(64, 64, 3))

``input_shape`` is the model's: the images are resized to its height and width, and
a dataset with another channel count is refused before any training starts.
"""

from __future__ import annotations

import os
from pathlib import Path

import tensorflow as tf

from zoo.data import folder, pipeline, sources

TARGETS = (None, "image", "label")


def images(
    source, split: str = "train", *, target=None, input_shape=None, **options
) -> tf.data.Dataset:
    """Batches of images from a dataset name (``zoo.data.DATASETS``) or an image folder.

    ``target``: None yields images alone (VAE, GAN), ``"image"`` yields ``(images,
    images)`` (an auto-encoder under plain ``fit``), ``"label"`` keeps the labels.
    ``options`` go to ``zoo.data.load`` (or ``zoo.data.folder.load_folder``).
    """
    if target not in TARGETS:
        raise ValueError(f"`target` must be one of {TARGETS}. Received: target={target!r}")
    if input_shape is not None:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3 or not all(isinstance(d, int) and d > 0 for d in input_shape):
            raise ValueError(
                "`input_shape` must be the model's (height, width, channels). "
                f"Received: input_shape={input_shape!r}"
            )
        size = pipeline._check_image_size(options.get("image_size"))
        if size is not None and size != input_shape[:2]:
            raise ValueError(
                f"image_size={options['image_size']!r} disagrees with the model's input_shape. "
                f"Received: input_shape={input_shape}"
            )
        options["image_size"] = input_shape[:2]

    if is_folder(source):
        if input_shape is not None:
            options.setdefault("channels", input_shape[-1])
            _check_channels(source, options["channels"], input_shape)
        ds = folder.load_folder(source, split, **options)
    else:
        if input_shape is not None:
            channels = sources.info(source, options.get("data_dir")).image_shape[-1]
            _check_channels(source, channels, input_shape)
        ds = pipeline.load(source, split, **options)

    if target is None:
        return ds.map(lambda x, y: x, num_parallel_calls=tf.data.AUTOTUNE)
    if target == "image":
        return ds.map(lambda x, y: (x, x), num_parallel_calls=tf.data.AUTOTUNE)
    return ds


def is_folder(source) -> bool:
    """Whether ``source`` names a folder of images rather than a tfds dataset."""
    if isinstance(source, os.PathLike):
        return True
    return (
        isinstance(source, str)
        and source not in sources.DATASETS
        and (os.sep in source or source.startswith("~") or Path(source).is_dir())
    )


def _check_channels(source, channels, input_shape):
    if channels != input_shape[-1]:
        raise ValueError(
            f"The images of {str(source)!r} have {channels} channel(s) but the model takes "
            f"{input_shape[-1]}. Build the model for {channels}-channel images (input_shape="
            f"{(*input_shape[:2], channels)}) or use another dataset. "
            f"Received: input_shape={input_shape}"
        )
