"""Image sets that tfds lacks, read from a folder by ``tfds.folder_dataset.ImageFolder``.

The folder holds ``root/<split>/<label>/<image>.{jpg,jpeg,png}`` (for example IDL
A2's Kaggle butterflies: ``root/train/ADONIS/1.jpg``). Batches come out like
``zoo.data.load``'s: ``(float32 NHWC images, int32 labels)``.
"""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf
import tensorflow_datasets as tfds

from zoo.data import pipeline

FOLDER_NORMALIZE = ("unit", "centered", None)
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")  # what tfds's ImageFolder reads


def folder_builder(root, channels: int = 3) -> tfds.folder_dataset.ImageFolder:
    """The ``ImageFolder`` builder for ``root``, decoding images to ``channels`` channels."""
    path = Path(root).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(
            "An image folder must be a directory laid out as root/<split>/<label>/<image>. "
            f"Received: root={str(root)!r} (not a directory)"
        )
    if channels not in (1, 3):
        raise ValueError(f"`channels` must be 1 or 3. Received: channels={channels!r}")
    builder = tfds.folder_dataset.ImageFolder(str(path), shape=(None, None, channels))
    if not builder.info.splits or not sum(s.num_examples for s in builder.info.splits.values()):
        raise ValueError(
            f"No images found under {path}: looked for {', '.join(IMAGE_EXTENSIONS)} files "
            f"laid out as root/<split>/<label>/<image>. Received: root={str(root)!r}"
        )
    return builder


def load_folder(
    root,
    split: str = "train",
    *,
    batch_size: int = 128,
    image_size=None,
    channels: int = 3,
    normalize: str | None = "unit",
    shuffle: bool | None = None,
    seed: int | None = None,
    cache: bool = True,
    drop_remainder: bool = False,
    verbose="auto",
) -> tf.data.Dataset:
    """Batches of ``(images, labels)`` from ``split`` of an image folder, resized to
    ``image_size`` (required: a folder's images may differ in size). Labels number the
    label folders in sorted order (``folder_builder(root).info.features["label"].names``).
    ``verbose``: a bar while the split is read into memory unless 0, as ``zoo.data.load``.
    """
    builder = folder_builder(root, channels)  # a folder with no images says so first
    size = pipeline._check_image_size(image_size)
    if size is None:
        raise ValueError(
            "Images in a folder may differ in size, so they need image_size=(height, width). "
            "Received: image_size=None"
        )
    pipeline.check_batch_size(batch_size)
    if normalize not in FOLDER_NORMALIZE:
        raise ValueError(
            f"normalize must be one of {FOLDER_NORMALIZE} for a folder. Received: {normalize!r}"
        )
    splits = list(builder.info.splits.keys())
    if split not in splits:
        raise ValueError(f"Unknown split for {root}: its splits are {splits}. Received: {split!r}")
    shuffle = split.startswith("train") if shuffle is None else shuffle

    def resize(x, y):
        return pipeline.resize_uint8(x, size), tf.cast(y, tf.int32)

    scale = pipeline._normalizer(normalize, None, None, channels, None)

    def finish(x, y):
        return scale(tf.cast(x, tf.float32)), y

    def examples():
        ds = builder.as_dataset(split=split, as_supervised=True, shuffle_files=False)
        return ds.map(resize, num_parallel_calls=tf.data.AUTOTUNE)

    return pipeline.batched(
        examples,
        finish,
        f"split {split!r} of {root}",
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        cache=cache,
        drop_remainder=drop_remainder,
        verbose=verbose,
    )
