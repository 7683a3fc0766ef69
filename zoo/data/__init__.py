"""Datasets for the zoo: tfds builders, offline sources and tf.data pipelines.

    train, val, test = zoo.data.load_splits("cifar10", normalize="centered")
    ds = zoo.data.load("fashion_mnist", "test", batch_size=256)

The only part of the zoo that imports TensorFlow (tf.data feeds both backends).
"""

import keras

if keras.backend.backend() != "tensorflow":
    import tensorflow as tf

    # tf.data only needs the CPU; leave the accelerator to JAX.
    try:
        tf.config.set_visible_devices([], "GPU")
    except (RuntimeError, ValueError):  # TensorFlow already initialised its devices.
        pass

from zoo.data.folder import load_folder  # noqa: E402
from zoo.data.pipeline import load, load_splits  # noqa: E402
from zoo.data.sources import (  # noqa: E402
    DATASETS,
    DatasetNotAvailableError,
    DatasetSpec,
    class_names,
    info,
    is_available,
)
from zoo.data.unlabelled import images  # noqa: E402

__all__ = [
    "DATASETS",
    "DatasetNotAvailableError",
    "DatasetSpec",
    "class_names",
    "images",
    "info",
    "is_available",
    "load",
    "load_folder",
    "load_splits",
]
