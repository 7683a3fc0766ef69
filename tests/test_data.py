"""zoo.data: datasets, offline sources and tf.data pipelines, on the current backend.

Nothing here downloads: the stock tfds sets run under ``tfds.testing.mock_data``,
``digits`` is real (from scikit-learn), and Fashion-MNIST is prepared from the local
raw files when they are there. All tfds data dirs live in pytest's tmp paths.
"""

import gzip
import os
import shutil

import keras
import numpy as np
import pytest
import tensorflow_datasets as tfds
from conftest import runs_on

import zoo.data
from zoo.data import DatasetNotAvailableError, fashion_mnist, sources
from zoo.data.__main__ import main as zoo_data_main

STOCK = ("mnist", "fashion_mnist", "cifar10", "cifar100", "stl10", "oxford_flowers102")
SHAPES = {
    "mnist": (28, 28, 1),
    "fashion_mnist": (28, 28, 1),
    "cifar10": (32, 32, 3),
    "cifar100": (32, 32, 3),
    "stl10": (96, 96, 3),
    "oxford_flowers102": (None, None, 3),
}
CLASSES = {"cifar100": 100, "oxford_flowers102": 102}


def _arrays(ds):
    """All (images, labels) of a batched dataset as two numpy arrays."""
    xs, ys = zip(*((x.numpy(), y.numpy()) for x, y in ds))
    return np.concatenate(xs), np.concatenate(ys)


@pytest.fixture
def mock():
    with tfds.testing.mock_data(num_examples=24):
        yield


def test_datasets_and_info():
    clocks = {"clocks", "clocks/large", "clocks/hard", "clocks/original", "clocks/tiny"}
    assert set(zoo.data.DATASETS) == {*STOCK, "digits", *clocks}
    spec = zoo.data.info("stl10")
    assert (spec.num_classes, spec.image_shape, spec.splits["train"]) == (10, (96, 96, 3), 5000)
    assert zoo.data.class_names("cifar10")[:2] == ["airplane", "automobile"]
    assert len(zoo.data.class_names("cifar100")) == 100


@pytest.mark.parametrize("name", STOCK)
def test_mock_load_each_dataset(mock, name):
    spec = zoo.data.info(name)
    assert spec.num_classes == CLASSES.get(name, 10) == len(spec.class_names)
    assert spec.image_shape == SHAPES[name]
    image_size = 40 if name == "oxford_flowers102" else None
    x, y = _arrays(zoo.data.load(name, "train[:50%]", batch_size=8, image_size=image_size))
    h, w, c = SHAPES[name] if image_size is None else (40, 40, 3)
    assert x.shape == (24, h, w, c) and x.dtype == np.float32
    assert y.dtype == np.int32 and 0 <= y.min() and y.max() < spec.num_classes
    assert 0.0 <= x.min() and x.max() <= 1.0


def test_varying_image_sizes_need_image_size(mock):
    with pytest.raises(ValueError, match="image_size"):
        zoo.data.load("oxford_flowers102")


def test_digits_is_real_data(data_dir):
    spec = zoo.data.info("digits", data_dir=data_dir)
    assert spec.num_classes == 10 and spec.image_shape == (8, 8, 1)
    assert spec.splits == {"train": 1437, "test": 360}
    x_train, y_train = _arrays(zoo.data.load("digits", data_dir=data_dir, normalize=None))
    x_test, y_test = _arrays(zoo.data.load("digits", "test", data_dir=data_dir, normalize=None))
    assert len(x_train) + len(x_test) == 1797 and x_train.shape[1:] == (8, 8, 1)
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(10))
    assert x_train.max() == 255.0 and x_train.min() == 0.0


@pytest.mark.parametrize(
    "normalize, low, high", [("unit", 0.0, 1.0), ("centered", -0.5, 0.5), (None, 0.0, 255.0)]
)
def test_normalize_ranges(data_dir, normalize, low, high):
    x, _ = _arrays(zoo.data.load("digits", data_dir=data_dir, normalize=normalize))
    assert x.min() == pytest.approx(low) and x.max() == pytest.approx(high)


def test_standardize_from_train_split(mock):
    x, _ = _arrays(zoo.data.load("cifar10", normalize="standardize"))
    np.testing.assert_allclose(x.mean(axis=(0, 1, 2)), 0.0, atol=1e-4)
    np.testing.assert_allclose(x.std(axis=(0, 1, 2)), 1.0, atol=1e-3)
    x, _ = _arrays(zoo.data.load("cifar10", normalize="standardize", mean=0.5, std=0.25))
    assert x.min() >= -2.0 and x.max() <= 2.0


def test_standardize_real_train_split(data_dir):
    x, _ = _arrays(zoo.data.load("digits", data_dir=data_dir, normalize="standardize"))
    assert abs(x.mean()) < 1e-4 and x.std() == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ValueError, match="Received"):
        zoo.data.load("digits", data_dir=data_dir, normalize="zscore")


def test_image_size_resizes(data_dir):
    x, _ = next(iter(zoo.data.load("digits", data_dir=data_dir, image_size=16, batch_size=4)))
    assert tuple(x.shape) == (4, 16, 16, 1)
    x, _ = next(iter(zoo.data.load("digits", data_dir=data_dir, image_size=(12, 6))))
    assert tuple(x.shape)[1:] == (12, 6, 1)


def test_classes_subset_is_remapped_in_order(data_dir):
    _, y_all = _arrays(zoo.data.load("digits", "test", data_dir=data_dir))
    _, y = _arrays(zoo.data.load("digits", "test", data_dir=data_dir, classes=[7, "3"]))
    assert np.bincount(y).tolist() == [np.sum(y_all == 7), np.sum(y_all == 3)]
    with pytest.raises(ValueError, match=r"Valid: 0\.\.9"):
        zoo.data.load("digits", data_dir=data_dir, classes=[3, 12])


def test_classes_by_name(mock):
    _, y = _arrays(zoo.data.load("stl10", classes=["airplane", "bird", "cat", "deer", "ship"]))
    assert set(np.unique(y)) <= set(range(5))
    with pytest.raises(ValueError, match="airplane"):
        zoo.data.load("stl10", classes=["plane"])


def test_augment_keeps_shapes_and_changes_images(data_dir):
    options = dict(data_dir=data_dir, shuffle=False, batch_size=32)
    plain, _ = next(iter(zoo.data.load("digits", **options)))
    ds = zoo.data.load("digits", augment=["flip", "rotation", "affine", "color_jitter"], **options)
    first, _ = next(iter(ds))
    again, _ = next(iter(ds))
    assert first.shape == plain.shape
    assert np.abs(first - plain).mean() > 0.01  # Augmented ...
    assert np.abs(first - again).mean() > 0.01  # ... afresh each epoch.
    crop, _ = next(iter(zoo.data.load("digits", augment={"random_resized_crop": 0.4}, **options)))
    assert crop.shape == plain.shape and np.abs(crop - plain).mean() > 0.01


def torchvision_sharpness(images, factor):
    """torchvision's adjust_sharpness on float images (N, H, W, C) in 0..255, written out:
    the interior blended with its 3x3 smoothing by ``factor``; its border is left as is."""
    kernel = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], "float64") / 13
    h, w = images.shape[1:3]
    smooth = images.astype("float64").copy()
    smooth[:, 1:-1, 1:-1] = sum(
        kernel[i, j] * images[:, i : h - 2 + i, j : w - 2 + j] for i in range(3) for j in range(3)
    )
    return np.clip(factor * images + (1 - factor) * smooth, 0, 255)


def test_sharpen_is_torchvisions_and_reaches_every_split(data_dir):
    options = dict(data_dir=data_dir, shuffle=False, batch_size=64, normalize=None)
    plain, _ = next(iter(zoo.data.load("digits", "test", **options)))
    for factor in (0.0, 2.0):
        sharp, _ = next(iter(zoo.data.load("digits", "test", sharpen=factor, **options)))
        want = torchvision_sharpness(np.asarray(plain), factor)
        np.testing.assert_allclose(np.asarray(sharp)[:, 1:-1, 1:-1], want[:, 1:-1, 1:-1], atol=1e-3)
    same, _ = next(iter(zoo.data.load("digits", "test", sharpen=1, **options)))
    np.testing.assert_array_equal(same, plain)
    splits = zoo.data.load_splits("digits", sharpen=2.0, **options)
    unsharpened = zoo.data.load_splits("digits", **options)
    for sharp, flat in zip(splits, unsharpened):
        assert np.abs(next(iter(sharp))[0] - next(iter(flat))[0]).mean() > 1  # train, val, test
    standardized = zoo.data.load(
        "digits",
        sharpen=2.0,
        normalize="standardize",
        shuffle=False,
        batch_size=2048,
        data_dir=data_dir,
    )
    x = np.asarray(next(iter(standardized))[0])  # the whole train split, sharpened
    assert abs(x.mean()) < 1e-3 and abs(x.std() - 1) < 1e-3  # its own mean and std
    for bad in (3, True):
        with pytest.raises(ValueError, match=rf"a number in \[0, 2\].*Received: sharpen={bad}"):
            zoo.data.load("digits", sharpen=bad, data_dir=data_dir)


def test_erasing_changes_a_patch_and_shifts_alone_skip_zoom_and_shear(data_dir):
    options = dict(data_dir=data_dir, shuffle=False, batch_size=64, normalize=None)
    plain, _ = next(iter(zoo.data.load("digits", **options)))
    erased, _ = next(iter(zoo.data.load("digits", augment={"erasing": 1.0}, seed=0, **options)))
    changed = np.any(erased != plain, axis=(1, 2, 3))
    # Every image gets a patch of noise, clipped to 0..255. A 1-2 pixel patch on the
    # black border of an 8x8 digit can be all clipped to 0, i.e. unchanged: 3 of 1,920
    # images (30 seeds' batches of 64) were, so 90% changed is a bound that never flakes.
    assert changed.mean() >= 0.9  # A patch erased in (nearly) every image ...
    assert np.mean(erased != plain) < 0.5  # ... but keeps most of its pixels.
    specs = zoo.data.augment.parse({"affine": {"translate": 0.1, "zoom": 0, "shear": 0}})
    layers = zoo.data.augment.layers(specs, channels=1)
    assert [type(layer).__name__ for layer in layers] == ["RandomTranslation"]
    with pytest.raises(ValueError, match="probability, scale"):
        zoo.data.augment.parse({"erasing": {"size": 0.2}})


def test_augment_colour_images(mock):
    x, _ = next(iter(zoo.data.load("cifar10", augment={"color_jitter": 0.3, "flip": None})))
    assert x.shape[1:] == (32, 32, 3) and 0.0 <= np.min(x) and np.max(x) <= 1.0


def test_geometric_augmentations_fill_as_keras_or_as_torchvision():
    from zoo.data import augment

    image = np.full((1, 8, 8, 1), 200.0, "float32")
    image[0, :, :4] = 100.0
    for fill, values in ((None, {100.0, 150.0, 200.0}), (augment.TORCH_FILL, {0.0, 100.0, 200.0})):
        spec = {"factor": (0.125, 0.125), **(fill or {})}  # a 45-degree turn
        (rotation,) = augment.layers(augment.parse({"rotation": spec}), channels=1, seed=0)
        assert set(np.round(np.asarray(rotation(image, training=True)), 1).ravel()) == values
    affine = augment.layers(augment.parse({"affine": augment.TORCH_FILL}), channels=1, seed=0)
    assert {(layer.fill_mode, layer.interpolation) for layer in affine} == {("constant", "nearest")}


def test_unknown_augmentation_suggests_closest(data_dir):
    with pytest.raises(ValueError, match="Did you mean 'rotation'"):
        zoo.data.load("digits", data_dir=data_dir, augment=["rotaton"])


def test_balance_tops_up_every_class_to_the_largest(data_dir):
    split = "train[:40%]"
    _, y0 = _arrays(zoo.data.load("digits", split, data_dir=data_dir, classes=[1, 5, 8]))
    counts = np.bincount(y0)
    assert counts.min() < counts.max()
    options = dict(data_dir=data_dir, classes=[1, 5, 8], normalize=None, seed=0)
    originals, _ = _arrays(zoo.data.load("digits", split, **options))
    balanced = zoo.data.load("digits", split, balance=True, batch_size=16, **options)
    x, y = _arrays(balanced)
    assert np.bincount(y).tolist() == [counts.max()] * 3
    assert int(balanced.cardinality()) == -(-3 * counts.max() // 16)  # known: fit need not count
    # Every original once, unchanged; the copies are augmented, not duplicates.
    found = {a.tobytes() for a in x}
    assert all(a.tobytes() in found for a in originals)
    assert len(found) > len({a.tobytes() for a in originals})

    # The copies are made once (COSC420 A1, 2.3.1): every epoch sees the same images,
    # and the same seed makes the same copies again.
    def images(ds):
        return sorted(a.tobytes() for a in _arrays(ds)[0])

    assert images(balanced) == sorted(a.tobytes() for a in x)
    again = zoo.data.load("digits", split, balance=True, batch_size=16, **options)
    assert images(again) == images(balanced)


def test_shuffle_gives_every_example_once_in_a_new_order_each_epoch(data_dir, monkeypatch):
    # Chunks of 3 batches of 8x8 float32 images: an epoch is 5 chunks and the rest.
    monkeypatch.setattr(zoo.data.pipeline, "_CHUNK_BYTES", 3 * 100 * 8 * 8 * 4)
    options = dict(data_dir=data_dir, batch_size=100, normalize=None)
    in_order, _ = _arrays(zoo.data.load("digits", shuffle=False, **options))
    ds = zoo.data.load("digits", seed=3, **options)
    first, second = _arrays(ds)[0], _arrays(ds)[0]
    assert int(ds.cardinality()) == 15  # 1437 examples: 14 full batches and one of 37
    assert sorted(a.tobytes() for a in first) == sorted(a.tobytes() for a in in_order)
    assert not np.array_equal(first, in_order) and not np.array_equal(first, second)
    # The same seed replays the same orders, epoch by epoch.
    again = zoo.data.load("digits", seed=3, **options)
    assert np.array_equal(_arrays(again)[0], first) and np.array_equal(_arrays(again)[0], second)
    dropped = zoo.data.load("digits", seed=3, drop_remainder=True, **options)
    assert int(dropped.cardinality()) == 14 and len(_arrays(dropped)[1]) == 1400
    assert dropped.element_spec[0].shape[0] == 100  # static: data-parallel splits need it


@pytest.mark.parametrize("cache", [True, False])
def test_seeded_augmentation_replays_batch_for_batch(data_dir, monkeypatch, cache):
    monkeypatch.setattr(zoo.data.pipeline, "_CHUNK_BYTES", 2 * 32 * 8 * 8 * 4)
    augment = {"erasing": 1.0, "flip": None, "rotation": 0.1}
    options = dict(data_dir=data_dir, batch_size=32, augment=augment, cache=cache)
    runs = [_arrays(zoo.data.load("digits", seed=seed, **options))[0] for seed in (3, 3, 4)]
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_uncached_pipeline_streams_the_same_examples(data_dir):
    options = dict(data_dir=data_dir, batch_size=100, normalize=None)
    cached, _ = _arrays(zoo.data.load("digits", "test", **options))
    streamed, _ = _arrays(zoo.data.load("digits", "test", cache=False, **options))
    assert np.array_equal(streamed, cached)
    shuffled, _ = _arrays(zoo.data.load("digits", "test", cache=False, shuffle=True, **options))
    assert sorted(a.tobytes() for a in shuffled) == sorted(a.tobytes() for a in cached)
    with pytest.raises(ValueError, match="balance=True .* needs cache=True"):
        zoo.data.load("digits", balance=True, cache=False, data_dir=data_dir)


def test_unknown_dataset_suggests_closest():
    with pytest.raises(ValueError, match="Did you mean 'mnist'.*cifar10"):
        zoo.data.load("mnsit")


def test_missing_dataset_without_download_raises(tmp_path):
    with pytest.raises(DatasetNotAvailableError, match="cifar10.*data dir") as err:
        zoo.data.load("cifar10", data_dir=tmp_path / "tfds", download=False)
    assert "data_dir=" in str(err.value)
    assert not (tmp_path / "tfds" / "cifar10").exists()


def test_failed_download_leaves_nothing_behind(tmp_path, monkeypatch):
    def fail_halfway(builder, **kwargs):
        partial = tmp_path / "tfds" / "mnist" / "incomplete.x_3.0.1"
        partial.mkdir(parents=True)
        (partial / "mnist-train.tfrecord").write_bytes(b"half")
        raise ConnectionError("no network")

    monkeypatch.setattr(sources, "_check_reachable", lambda *args: None)
    monkeypatch.setattr(tfds.image_classification.MNIST, "download_and_prepare", fail_halfway)
    with pytest.raises(DatasetNotAvailableError, match="ConnectionError: no network"):
        zoo.data.load("mnist", data_dir=tmp_path / "tfds")
    assert not (tmp_path / "tfds").exists()


def test_command_line_lists_datasets(data_dir, capsys):
    assert zoo_data_main(["list", "--data-dir", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(zoo.data.DATASETS)
    states = dict(line.split(maxsplit=1) for line in lines)
    assert states["digits"] == "prepared" and states["mnist"] == "not prepared"
    assert states["clocks/hard"] == "made on first use"


def test_fashion_mnist_without_raw_files_says_how_to_get_them(tmp_path):
    with pytest.raises(DatasetNotAvailableError, match="dataset-fashion-mnist.*raw_dir="):
        zoo.data.load("fashion_mnist", data_dir=tmp_path, raw_dir=tmp_path / "none")


def test_load_splits(data_dir):
    train, val, test = zoo.data.load_splits("digits", data_dir=data_dir, augment=["flip"])
    assert [len(_arrays(ds)[1]) for ds in (train, val, test)] == [1293, 144, 360]
    train, val, test = zoo.data.load_splits("digits", data_dir=data_dir, validation=0)
    assert val is None and len(_arrays(train)[1]) == 1437


def test_load_splits_uses_the_own_validation_split(mock):
    train, val, test = zoo.data.load_splits("oxford_flowers102", image_size=24, batch_size=4)
    assert all(next(iter(ds))[0].shape[1:] == (24, 24, 3) for ds in (train, val, test))
    _, val, _ = zoo.data.load_splits("oxford_flowers102", image_size=24, validation=0)
    assert val is None


def test_validation_0_trains_on_the_whole_train_split_as_a_preset_data_option(data_dir):
    """A preset's data options carry ``validation``: 0 (the references that held nothing
    out) gives no validation data, and ``load`` takes the same options as they are."""
    data = {**zoo.get_preset("kth_cnn").data, "data_dir": data_dir, "normalize": "unit"}
    assert data["validation"] == 0
    train, val, test = zoo.data.load_splits("digits", **data)
    whole = zoo.data.load("digits", "train", **data)
    assert val is None and len(_arrays(train)[1]) == len(_arrays(whole)[1]) == 1437
    assert len(_arrays(test)[1]) == 360


@pytest.mark.parametrize("validation", [-0.1, 1, 1.5, "0.1", True, None])
def test_validation_must_be_a_fraction_below_1(data_dir, validation):
    with pytest.raises(ValueError, match=r"validation must be a fraction in \[0, 1\)"):
        zoo.data.load_splits("digits", data_dir=data_dir, validation=validation)
    if validation is not None:  # load's default, None, is no fraction to check
        with pytest.raises(ValueError, match=r"validation must be a fraction in \[0, 1\)"):
            zoo.data.load("digits", data_dir=data_dir, validation=validation)


def test_feeds_keras_fit(data_dir):
    ds = zoo.data.load("digits", data_dir=data_dir, batch_size=32, augment=["rotation"], seed=1)
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=1, steps_per_epoch=2, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_a_split_read_once_is_kept_for_the_next_load(data_dir, monkeypatch):
    """The trials of a search load the same split again: it is read from disk once."""
    first = _arrays(zoo.data.load("digits", "test", data_dir=data_dir))
    reads = []
    as_dataset = tfds.core.DatasetBuilder.as_dataset

    def counted(self, *args, **kwargs):
        reads.append(kwargs.get("split"))
        return as_dataset(self, *args, **kwargs)

    monkeypatch.setattr(tfds.core.DatasetBuilder, "as_dataset", counted)
    again = _arrays(zoo.data.load("digits", "test", data_dir=data_dir))
    assert reads == []
    np.testing.assert_array_equal(again[0], first[0])
    np.testing.assert_array_equal(again[1], first[1])
    zoo.data.load("digits", "test", data_dir=data_dir, image_size=16)  # another read
    zoo.data.load("digits", "test", data_dir=data_dir, cache=False)  # streamed
    assert reads == ["test", "test"]
    with tfds.testing.mock_data(num_examples=8):  # mock examples are made anew each load
        zoo.data.load("digits", "test", data_dir=data_dir)
    assert len(reads) == 3


# Fashion-MNIST from the local raw files (Debian's dataset-fashion-mnist).


@pytest.fixture(scope="session")
def fashion_raw_dir():
    raw = fashion_mnist.find_raw_dir()
    if raw is None or not all((raw / f).is_file() for f in fashion_mnist.FILENAMES):
        reason = (
            "Fashion-MNIST raw files not found (install Debian's dataset-fashion-mnist or set "
            f"{fashion_mnist.ENV_VAR})"
        )
        if os.environ.get("ZOO_REQUIRE_FASHION_MNIST"):
            pytest.fail(reason + " but ZOO_REQUIRE_FASHION_MNIST is set.")
        pytest.skip(reason)
    return raw


@pytest.fixture(scope="session")
def fashion_data_dir(fashion_raw_dir, tmp_path_factory):
    """Prepared once per session from the raw files."""
    path = tmp_path_factory.mktemp("tfds_fashion")
    sources.prepared_builder(
        "fashion_mnist", data_dir=path, raw_dir=fashion_raw_dir, download=False
    )
    return path


@pytest.mark.integration
@runs_on("jax")  # tf.data and tfds alone (see conftest), in the suite with time to spare
def test_fashion_mnist_prepared_from_raw_files(fashion_data_dir, fashion_raw_dir):
    spec = zoo.data.info("fashion_mnist", data_dir=fashion_data_dir)
    assert spec.splits == {"train": 60000, "test": 10000}
    assert spec.image_shape == (28, 28, 1) and spec.class_names[0] == "T-shirt/top"
    # The stock dataset: tfds reads it as its own.
    train = tfds.load("fashion_mnist", split="train", data_dir=fashion_data_dir)
    assert int(train.cardinality()) == 60000
    x, y = _arrays(
        zoo.data.load("fashion_mnist", "test", data_dir=fashion_data_dir, normalize=None)
    )
    assert x.shape == (10000, 28, 28, 1) and np.bincount(y).tolist() == [1000] * 10
    # The raw files' pixels, in tfds's order of the examples.
    with gzip.open(fashion_raw_dir / "t10k-images-idx3-ubyte.gz") as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16).reshape(10000, 784)
    assert sorted(map(bytes, raw)) == sorted(map(bytes, x.astype(np.uint8).reshape(10000, 784)))


@pytest.mark.integration
@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_fashion_mnist_bad_raw_file_writes_nothing(fashion_raw_dir, tmp_path, damage):
    raw = tmp_path / "raw"
    raw.mkdir()
    for fname in fashion_mnist.FILENAMES:
        (raw / fname).symlink_to(fashion_raw_dir / fname)
    bad = raw / "train-labels-idx1-ubyte.gz"
    data = bytearray((fashion_raw_dir / bad.name).read_bytes())
    bad.unlink()
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data[-100] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(DatasetNotAvailableError, match=f"{bad.name}.*{damage}"):
        zoo.data.load("fashion_mnist", data_dir=tmp_path / "tfds", raw_dir=raw)
    assert not (tmp_path / "tfds").exists()
    shutil.rmtree(raw)


def test_is_available_says_what_load_can_read_offline(tmp_path):
    assert zoo.data.is_available("digits", data_dir=tmp_path)
    assert not zoo.data.is_available("cifar10", data_dir=tmp_path)
    assert not zoo.data.is_available("fashion_mnist", data_dir=tmp_path, raw_dir=tmp_path)


def test_model_options_follow_the_data_options():
    spec = zoo.data.info("cifar10")
    assert spec.model_options() == {"input_shape": (32, 32, 3), "num_classes": 10}
    assert spec.model_options(64, ["cat", "dog"]) == {"input_shape": (64, 64, 3), "num_classes": 2}
    assert spec.model_options((24, 28))["input_shape"] == (24, 28, 3)
