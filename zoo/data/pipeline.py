"""tf.data pipelines: tfds examples -> batched (float32 NHWC images, int32 labels).

(Sets whose label is a value, like the clocks' time, keep it as float32.)

Images are read into memory once, as uint8 (after the class filter and resize), a
quarter of float32's size. Each epoch then shuffles an index permutation and gathers
its batches from memory, several at a time; augmentation (in 0..255) and
normalization run on those chunks. The process keeps the last few splits it read
(``READS_KEPT``), so the trials of a search and the experiments of a script read a
split once.
"""

from collections import OrderedDict
from typing import NamedTuple

import numpy as np
import tensorflow as tf

from zoo.data import augment as aug
from zoo.data import sources
from zoo.progress import check_verbose, count, progress

NORMALIZE = ("unit", "centered", "standardize", None)
_SHUFFLE_BUFFER = 60_000
READ_CHUNK = 8192  # examples read into memory at a time
_CHUNK_BYTES = 8 << 20  # float32 images gathered and finished per tf.data call
_STATS: dict = {}  # (name, split, image_size, classes, data_dir, mocked) -> (mean, std)
# Splits read into memory, kept for the next load of the same split: a Fashion-MNIST
# train split takes seconds to decode, once per trial of a search without this. The
# last READS_KEPT are kept (a train, val and test split of two datasets).
READS_KEPT = 6
_READS: OrderedDict = OrderedDict()  # (name, data_dir, split, image_size, classes) -> arrays


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
    sharpen=None,
    balance=False,
    shuffle=None,
    seed=None,
    cache=True,
    drop_remainder=False,
    splits="tfds",
    validation=None,
    data_dir=None,
    raw_dir=None,
    download=True,
    verbose="auto",
) -> tf.data.Dataset:
    """Load ``split`` of dataset ``name`` as batches of ``(images, labels)``.

    ``normalize``: "unit" -> [0, 1], "centered" -> [-0.5, 0.5], "standardize" ->
    per-channel ``(x - mean) / std`` with ``mean``/``std`` in [0, 1] units (computed
    from the train split when not given), None -> raw 0..255. ``classes`` keeps those
    labels (ints or names), renumbered 0.. in the order given. ``augment`` is a list
    of names from ``zoo.data.augment.NAMES`` or a dict name -> strength or options, for
    this split; ``sharpen``, torchvision's sharpness factor (2 sharpens, 0 blurs), is
    applied to every split (``load_splits`` passes it to all three), before ``augment``.
    ``balance`` tops every class up to the largest with copies of its own images,
    augmented once (flip, rotation, affine, colour jitter: ``augment.BALANCE_DEFAULT``)
    and kept beside the originals for every epoch; ``augment``, if given, then runs on
    originals and copies alike each epoch (COSC420 A1, Section 2.3.1, made its copies
    once). ``seed`` fixes the shuffled orders and the augmentation, epoch by epoch
    (augmentation then runs one chunk at a time). ``cache=False`` streams the split
    from disk through a shuffle buffer instead of holding it in memory, for sets too
    big for it. ``splits`` names which tfds split each split reads: "tfds" (its own) or
    a layout of ``zoo.data.sources.SPLIT_LAYOUTS`` (``oxford_flowers102``'s
    "large_train"). ``validation`` is ``load_splits``'s fraction of train held out,
    checked but unused here (``split`` says what is read), so that a preset's data
    options, which carry it, go to ``load`` as they are. See
    ``zoo.data.sources.prepared_builder`` for ``download`` and
    ``raw_dir`` (tfds shows its own bars while it prepares a set). ``verbose``, as in
    ``model.fit``: a bar while the split is read into memory (and the train split is
    measured for "standardize") unless 0.
    """
    sources.check_name(name)
    check_batch_size(batch_size)
    check_verbose(verbose)
    if validation is not None:
        check_validation(validation)
    if normalize not in NORMALIZE:
        raise ValueError(f"normalize must be one of {NORMALIZE}. Received: {normalize!r}")
    if (mean is not None or std is not None) and normalize != "standardize":
        raise ValueError(f"mean and std need normalize='standardize'. Received: {normalize!r}")
    size = _check_image_size(image_size)
    specs = aug.parse(augment)
    sharpener = aug.sharpener(sharpen)
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
    if balance and not cache:
        raise ValueError(
            "balance=True counts and copies examples in memory, so it needs cache=True. "
            f"Received: cache={cache!r}"
        )
    channels = spec.image_shape[-1]
    shuffle = str(split).startswith("train") if shuffle is None else shuffle

    train_split = sources.tfds_split(name, "train", splits)
    builder = sources.prepared_builder(name, data_dir=data_dir, raw_dir=raw_dir, download=download)
    tfds_split = sources.tfds_split(name, split, splits)
    read_key = None
    if cache and not sources.is_mocked():  # mock data differs from one load to the next
        read_key = (builder.name, str(builder.data_dir), tfds_split, size, ids)
    scale = _normalizer(
        normalize,
        mean,
        std,
        channels,
        lambda: _train_stats(builder, train_split, size, ids, sharpen, verbose),
    )
    augmenters = aug.layers(specs, channels=channels, seed=seed)
    balancing = None
    if balance:
        balancing = Balancing(
            len(ids or ()) or spec.num_classes,
            aug.layers(aug.parse(list(aug.BALANCE_DEFAULT)), channels=channels, seed=seed),
        )

    def finish(x, y):
        x = tf.cast(x, tf.float32)
        if sharpener is not None:
            x = sharpener(x, training=True)  # a fixed factor: the same on every split
        return scale(aug.apply(x, augmenters)), y

    return batched(
        lambda: _examples(builder, tfds_split, size, ids, spec.image_shape),
        finish,
        f"split {split!r} of '{name}'",
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        cache=cache,
        drop_remainder=drop_remainder,
        balancing=balancing,
        read_key=read_key,
        verbose=verbose,
    )


class Balancing(NamedTuple):
    """Top each of ``num_classes`` classes up to the largest with copies of its own
    examples, run once through ``augmenters``."""

    num_classes: int
    augmenters: list


def batched(
    examples,
    finish,
    what,
    *,
    batch_size,
    shuffle,
    seed,
    cache,
    drop_remainder,
    balancing=None,
    read_key=None,
    verbose="auto",
) -> tf.data.Dataset:
    """The ``(uint8 image, label)`` examples of the dataset that ``examples()`` makes,
    as batches through ``finish(x, y)``.

    With ``cache`` they are read into memory now (a bar unless ``verbose`` is 0), or
    taken from the read kept under ``read_key`` (``_READS``), and each epoch gathers its
    batches (``_in_memory_batches``); without, they stream through a shuffle buffer.
    ``balancing`` (a ``Balancing``, needs ``cache``) adds its copies once, after the
    read. ``what`` names them in errors and above the bar.
    """
    # Seeded, one batch or chunk is finished at a time, in order: Keras's augmentation
    # layers draw from a seed generator each call, and parallel calls would take its
    # draws in a different order on every run.
    calls = tf.data.AUTOTUNE if seed is None else None
    if cache:
        images, labels = _read_all(examples, what, verbose, read_key)
        if balancing is not None:
            images, labels = _with_balancing_copies(images, labels, balancing, what, verbose)
        ds = _in_memory_batches(
            images,
            labels,
            batch_size,
            finish,
            shuffle=shuffle,
            seed=seed,
            drop_remainder=drop_remainder,
            calls=calls,
        )
    else:
        ds = examples()
        if shuffle:
            ds = ds.shuffle(_SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size, drop_remainder, num_parallel_calls=tf.data.AUTOTUNE)
        ds = ds.map(_plain(finish), num_parallel_calls=calls)
    return ds.prefetch(tf.data.AUTOTUNE)


def load_splits(name, *, validation=0.1, **options):
    """``(train, val, test)``: the dataset's own validation split where it has one,
    else the last ``validation`` fraction of train. ``augment``, ``balance`` and
    ``shuffle`` apply to train only; ``validation=0`` trains on the whole train split
    and gives ``val=None`` (a preset's data options may set it: the references that
    held nothing out).
    """
    sources.check_name(name)
    check_validation(validation)
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


def check_validation(validation) -> float:
    """``validation``, the fraction of train held out, when it is one in [0, 1)."""
    number = isinstance(validation, (int, float)) and not isinstance(validation, bool)
    if not number or not 0 <= validation < 1:
        raise ValueError(f"validation must be a fraction in [0, 1). Received: {validation!r}")
    return validation


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


def _plain(function):
    """``function`` for ``Dataset.map`` as it is written: its branches are on Python
    values, so AutoGraph's rewriting of it (most of the time it takes to set up a
    pipeline) is skipped."""
    return tf.autograph.experimental.do_not_convert(function)


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

    return ds.map(_plain(convert), num_parallel_calls=tf.data.AUTOTUNE)


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


def _train_stats(builder, split, size, class_ids, sharpen, verbose):
    """Per-channel mean and std of the train ``split`` in [0, 1] units, after ``sharpen``
    (what the normalization sees), cached per process."""
    key = (
        builder.name,
        split,
        size,
        class_ids,
        sharpen,
        str(builder.data_dir),
        sources.is_mocked(),
    )
    if key not in _STATS:
        ds = _examples(builder, split, size, class_ids, builder.info.features["image"].shape)
        batches = ds.map(lambda x, y: x).batch(1024)
        sharpener = aug.sharpener(sharpen)
        if sharpener is not None:
            batches = batches.map(
                _plain(lambda x: sharpener(tf.cast(x, tf.float32), training=True))
            )
        title = f"Measuring the mean and std of split {split!r} of '{builder.name}'"
        total = total_sq = 0.0
        pixels = 0
        for x in progress(
            batches.as_numpy_iterator(), count(batches), verbose=verbose, title=title
        ):
            x = x.astype(np.float64) / 255.0
            total = total + x.sum(axis=(0, 1, 2))
            total_sq = total_sq + (x**2).sum(axis=(0, 1, 2))
            pixels += x.shape[0] * x.shape[1] * x.shape[2]
        mean = total / pixels
        std = np.sqrt(np.maximum(total_sq / pixels - mean**2, 0.0))
        _STATS[key] = (mean, np.where(std > 1e-6, std, 1.0))
    return _STATS[key]


def _read_all(examples, what, verbose, key=None):
    """The (images, labels) of the dataset ``examples()`` makes, as two tensors: read
    now, with a bar when that takes more than one chunk (a read of one chunk is over in
    a moment), or kept from an earlier read under ``key`` (None: not kept)."""
    if key in _READS:
        _READS.move_to_end(key)
        return _READS[key]
    batches = examples().batch(READ_CHUNK)
    total = count(batches)
    title = f"Reading {what} into memory"
    parts = list(progress(batches, total, verbose=0 if total == 1 else verbose, title=title))
    if not parts:
        raise ValueError(f"The {what} has no examples (after any class filter).")
    read = tuple(tf.concat(column, axis=0) for column in zip(*parts))
    if key is not None:
        _READS[key] = read
        while len(_READS) > READS_KEPT:
            _READS.popitem(last=False)
    return read


def _copies_to_balance(labels, num_classes) -> np.ndarray:
    """Indices into ``labels`` of the copies that top each smaller class up to the
    largest class's count (its examples cycled)."""
    counts = np.bincount(labels.astype(np.int64), minlength=num_classes)
    target = int(counts.max())
    copies = [
        np.resize(np.flatnonzero(labels == c), target - n)
        for c, n in enumerate(counts)
        if 0 < n < target
    ]
    return np.concatenate([np.zeros(0, np.int64), *copies])


def _with_balancing_copies(images, labels, balancing, what, verbose):
    """``images`` and ``labels`` with ``balancing``'s copies after them. The copies are
    augmented here, once, and stored as uint8 like the originals: the training set is
    then fixed, as if the copies had been written to disk (a bar unless ``verbose`` is
    0). Seeded augmenters run one chunk at a time, in order, so reruns match."""
    at = _copies_to_balance(labels.numpy(), balancing.num_classes)
    if not len(at):
        return images, labels

    def augment(i):
        x = aug.apply(tf.cast(tf.gather(images, i), tf.float32), balancing.augmenters)
        return tf.cast(tf.clip_by_value(tf.round(x), 0, 255), images.dtype)

    chunks = tf.data.Dataset.from_tensor_slices(at).batch(READ_CHUNK // 8).map(_plain(augment))
    title = f"Augmenting {len(at)} copies to balance the classes of the {what}"
    copies = list(progress(chunks, count(chunks), verbose=verbose, title=title))
    return tf.concat([images, *copies], 0), tf.concat([labels, tf.gather(labels, at)], 0)


def _in_memory_batches(
    images,
    labels,
    batch_size,
    finish,
    *,
    shuffle,
    seed,
    drop_remainder,
    calls,
) -> tf.data.Dataset:
    """Batches of ``finish(images[i], labels[i])``, reshuffled each epoch.

    Each epoch shuffles one permutation of positions and cuts it into rows of
    ``batch_size``. Chunks of rows (about ``_CHUNK_BYTES`` of float32 images) are then
    gathered and finished in one tf.data call each, and split into batches again: with
    a call per batch the pipeline ran at 0.92x (``python -m benchmarks.pipeline``), and
    a shuffle buffer costs calls per example. ``calls``: how many chunks are finished at
    once (``num_parallel_calls``).
    """
    n = int(labels.shape[0])
    full = n // batch_size
    rest = 0 if drop_remainder else n - full * batch_size
    image_bytes = 4 * int(np.prod(images.shape[1:]))
    rows_per_chunk = max(1, _CHUNK_BYTES // (batch_size * image_bytes))

    def chunks(epoch_seed):  # [rows, batch_size] positions; the rest as one [1, rest] chunk
        positions = tf.range(n, dtype=tf.int64)
        if shuffle:
            seed_pair = tf.stack([epoch_seed, 0])
            positions = tf.random.experimental.stateless_shuffle(positions, seed=seed_pair)
        rows = tf.reshape(positions[: full * batch_size], [full, batch_size])
        ds = tf.data.Dataset.from_tensor_slices(rows).batch(rows_per_chunk)
        if rest:
            ds = ds.concatenate(tf.data.Dataset.from_tensors(positions[None, full * batch_size :]))
        return ds

    def gather(at):
        flat = tf.reshape(at, [-1])
        out = finish(tf.gather(images, flat), tf.gather(labels, flat))
        # Back to [rows, batch, ...]; the batch size stays static where it is known.
        width = batch_size if drop_remainder else tf.shape(at)[1]
        return tuple(tf.reshape(t, [-1, width, *t.shape[1:]]) for t in out)

    # One fresh seed per pass over the data: a new order every epoch, and the same
    # sequence of orders for the same ``seed``.
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).take(1)
    ds = seeds.flat_map(_plain(chunks)).map(_plain(gather), num_parallel_calls=calls).unbatch()
    return ds.apply(tf.data.experimental.assert_cardinality(full + (rest > 0)))
