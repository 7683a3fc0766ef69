"""tf.data pipelines: tfds examples -> batched (float32 NHWC images, int32 labels).

(Sets whose label is a value, like the clocks' time, keep it as float32.)

Images are cached in memory as uint8 (after the class filter and resize), a quarter
of float32's size; shuffling, batching, augmentation (in 0..255) and normalization
run after the cache, on batches.
"""

import numpy as np
import tensorflow as tf

from zoo.data import augment as aug
from zoo.data import sources

NORMALIZE = ("unit", "centered", "standardize", None)
_SHUFFLE_BUFFER = 60_000
_STATS: dict = {}  # (name, image_size, classes, data_dir, mocked) -> (mean, std)


def load(
    name,
    split="train",
    *,
    batch_size=128,
    image_size=None,
    normalize="unit",
    mean=None,
    std=None,
    classes=None,
    augment=None,
    balance=False,
    shuffle=None,
    seed=None,
    cache=True,
    drop_remainder=False,
    data_dir=None,
    raw_dir=None,
    download=True,
) -> tf.data.Dataset:
    """Load ``split`` of dataset ``name`` as batches of ``(images, labels)``.

    ``normalize``: "unit" -> [0, 1], "centered" -> [-0.5, 0.5], "standardize" ->
    per-channel ``(x - mean) / std`` with ``mean``/``std`` in [0, 1] units (computed
    from the train split when not given), None -> raw 0..255. ``classes`` keeps those
    labels (ints or names), renumbered 0.. in the order given. ``augment`` is a list
    of names from ``zoo.data.augment.NAMES`` or a dict name -> strength or options.
    ``balance`` tops every class up to the largest with augmented copies of its own
    images. See ``zoo.data.sources.prepared_builder`` for ``download`` and ``raw_dir``.
    """
    sources.check_name(name)
    check_batch_size(batch_size)
    if normalize not in NORMALIZE:
        raise ValueError(f"normalize must be one of {NORMALIZE}. Received: {normalize!r}")
    if (mean is not None or std is not None) and normalize != "standardize":
        raise ValueError(f"mean and std need normalize='standardize'. Received: {normalize!r}")
    size = _check_image_size(image_size)
    specs = aug.parse(augment)
    spec = sources.info(name, data_dir)
    if spec.label_feature != "label" and (classes is not None or balance):
        raise ValueError(
            f"The labels of '{name}' are {spec.label_feature} values, not classes, so classes= and "
            f"balance= do not apply. Received: classes={classes!r}, balance={balance!r}"
        )
    ids = resolve_classes(spec, classes)
    if size is None and None in spec.image_shape[:2]:
        raise ValueError(
            f"The images of '{name}' vary in size, so they need image_size=(height, width) "
            "to be batched. Received: image_size=None"
        )
    channels = spec.image_shape[-1]
    shuffle = str(split).startswith("train") if shuffle is None else shuffle

    builder = sources.prepared_builder(name, data_dir=data_dir, raw_dir=raw_dir, download=download)
    ds = _examples(builder, split, size, ids, spec.image_shape)
    if cache:
        ds = ds.cache()

    scale = _normalizer(normalize, mean, std, channels, lambda: _train_stats(builder, size, ids))
    augmenters = aug.layers(specs, channels=channels, seed=seed)
    if balance:
        copy_augmenters = augmenters or aug.layers(
            aug.parse(list(aug.BALANCE_DEFAULT)), channels=channels, seed=seed
        )
        ds, buffer = _balanced(ds, len(ids or ()) or spec.num_classes)
        # Its size is known: said here, zoo.fit need not count it in an augmented pass.
        ds = ds.apply(tf.data.experimental.assert_cardinality(buffer))

        def finish(x, y, is_copy):
            x = tf.cast(x, tf.float32)
            x_aug = aug.apply(x, copy_augmenters)
            x = x_aug if augmenters else tf.where(is_copy[:, None, None, None], x_aug, x)
            return scale(x), y

    else:
        n = int(ds.cardinality())
        buffer = n if 0 < n < _SHUFFLE_BUFFER else _SHUFFLE_BUFFER

        def finish(x, y):
            return scale(aug.apply(tf.cast(x, tf.float32), augmenters)), y

    if shuffle:
        ds = ds.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.map(finish, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def load_splits(name, *, validation=0.1, **options):
    """``(train, val, test)``: the dataset's own validation split where it has one,
    else the last ``validation`` fraction of train. ``augment``, ``balance`` and
    ``shuffle`` apply to train only; ``validation=0`` gives ``val=None``.
    """
    sources.check_name(name)
    if not isinstance(validation, (int, float)) or not 0 <= validation < 1:
        raise ValueError(f"validation must be a fraction in [0, 1). Received: {validation!r}")
    eval_options = {k: v for k, v in options.items() if k not in ("augment", "balance", "shuffle")}
    own = sources.VALIDATION_SPLITS.get(name)
    if not validation:
        train_split, val_split = "train", None
    elif own:
        train_split, val_split = "train", own
    else:
        percent = round(100 * (1 - validation), 6)
        percent = int(percent) if float(percent).is_integer() else percent
        train_split, val_split = f"train[:{percent}%]", f"train[{percent}%:]"
    train = load(name, train_split, **options)
    val = None if val_split is None else load(name, val_split, **eval_options)
    test = load(name, "test", **eval_options)
    return train, val, test


def check_batch_size(batch_size) -> int:
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer. Received: {batch_size!r}")
    return batch_size


def resize_uint8(x, size, antialias: bool = True):
    """Images resized to ``size`` (bilinear) and rounded back to uint8 0..255."""
    x = tf.image.resize(x, size, method="bilinear", antialias=antialias)
    return tf.cast(tf.clip_by_value(tf.round(x), 0, 255), tf.uint8)


def _check_image_size(image_size):
    if image_size is None:
        return None
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    if len(size) != 2 or not all(isinstance(s, int) and s > 0 for s in size):
        raise ValueError(
            f"image_size must be a positive int or (height, width). Received: {image_size!r}"
        )
    return size


def resolve_classes(spec, classes):
    """Class ids (ints) for ``classes`` given as ints and/or names, or None for all."""
    if classes is None:
        return None
    if isinstance(classes, (str, int)):
        classes = [classes]
    ids = []
    for c in classes:
        if isinstance(c, str) and c in spec.class_names:
            ids.append(spec.class_names.index(c))
        elif isinstance(c, (int, np.integer)) and 0 <= c < spec.num_classes:
            ids.append(int(c))
        else:
            raise ValueError(
                f"Unknown class for '{spec.name}'. Valid: 0..{spec.num_classes - 1} or "
                f"{spec.class_names}. Received: {c!r}"
            )
    if len(set(ids)) != len(ids) or not ids:
        raise ValueError(f"classes must be distinct and not empty. Received: {classes!r}")
    return tuple(ids)


def _examples(builder, split, size, class_ids, native_shape):
    """Decoded (uint8 image, int32 label) pairs: filtered, renumbered, resized."""
    ds = builder.as_dataset(split=split, as_supervised=True, shuffle_files=False)
    if class_ids is not None:
        keep = tf.constant(class_ids, tf.int64)
        ds = ds.filter(lambda x, y: tf.reduce_any(tf.equal(tf.cast(y, tf.int64), keep)))
    antialias = size is None or native_shape[0] is None or size[0] < native_shape[0]

    def convert(x, y):
        if class_ids is not None:
            y = tf.argmax(tf.cast(tf.equal(tf.cast(y, tf.int64), keep), tf.int32))
        if size is not None:
            x = resize_uint8(x, size, antialias)
        return x, tf.cast(y, tf.int32 if y.dtype.is_integer else tf.float32)

    return ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)


def _normalizer(normalize, mean, std, channels, stats):
    """A function from float images in 0..255 to the chosen normalization."""
    if normalize is None:
        return lambda x: x
    if normalize == "unit":
        return lambda x: x / 255.0
    if normalize == "centered":
        return lambda x: x / 255.0 - 0.5
    if mean is None or std is None:
        computed = stats()
        mean = computed[0] if mean is None else mean
        std = computed[1] if std is None else std
    mean = np.broadcast_to(np.asarray(mean, np.float32), (channels,))
    std = np.broadcast_to(np.asarray(std, np.float32), (channels,))
    if np.any(std <= 0):
        raise ValueError(f"std must be positive. Received: {std.tolist()}")
    return lambda x: (x / 255.0 - mean) / std


def _train_stats(builder, size, class_ids):
    """Per-channel mean and std of the train split in [0, 1] units, cached per process."""
    key = (builder.name, size, class_ids, str(builder.data_dir), sources.is_mocked())
    if key not in _STATS:
        ds = _examples(builder, "train", size, class_ids, builder.info.features["image"].shape)
        total = total_sq = 0.0
        count = 0
        for x in ds.map(lambda x, y: x).batch(1024).as_numpy_iterator():
            x = x.astype(np.float64) / 255.0
            total = total + x.sum(axis=(0, 1, 2))
            total_sq = total_sq + (x**2).sum(axis=(0, 1, 2))
            count += x.shape[0] * x.shape[1] * x.shape[2]
        mean = total / count
        std = np.sqrt(np.maximum(total_sq / count - mean**2, 0.0))
        _STATS[key] = (mean, np.where(std > 1e-6, std, 1.0))
    return _STATS[key]


def _balanced(ds, num_classes):
    """Originals once plus copies of each smaller class up to the largest class's count.

    Elements become ``(image, label, is_copy)``; returns the dataset and its size.
    Counting reads the whole (cached) dataset once, which also fills the cache.
    """
    labels = np.concatenate([[]] + list(ds.map(lambda x, y: y).batch(4096).as_numpy_iterator()))
    counts = np.bincount(labels.astype(np.int64), minlength=num_classes)
    target = int(counts.max())
    out = ds.map(lambda x, y: (x, y, False))
    for c, n in enumerate(counts):
        if 0 < n < target:
            copies = ds.filter(lambda x, y, c=c: tf.equal(y, c)).cache()  # Only the small class.
            copies = copies.repeat().take(target - int(n)).map(lambda x, y: (x, y, True))
            out = out.concatenate(copies)
    return out, int((counts > 0).sum()) * target
