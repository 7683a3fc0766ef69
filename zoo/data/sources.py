"""Which datasets the zoo knows, what they hold, and how to get a prepared tfds builder."""

import dataclasses
import os
import shutil
import socket
import urllib.parse
from pathlib import Path

import tensorflow_datasets as tfds

from zoo.data import clocks, fashion_mnist, names
from zoo.data import digits as _digits  # noqa: F401  (registers the "digits" builder)
from zoo.errors import did_you_mean

# Sets the zoo makes itself, here and now: never downloaded.
GENERATED = ("digits", "clocks", *(f"clocks/{c.name}" for c in clocks.Clocks.BUILDER_CONFIGS[1:]))
DATASETS = (
    "mnist",
    "fashion_mnist",
    "cifar10",
    "cifar100",
    "stl10",
    "oxford_flowers102",
    *GENERATED,
)

# Split sizes, for info() when the data is not (or only mock-) prepared.
_KNOWN_SPLITS = {
    "mnist": {"train": 60000, "test": 10000},
    "fashion_mnist": {"train": 60000, "test": 10000},
    "cifar10": {"train": 50000, "test": 10000},
    "cifar100": {"train": 50000, "test": 10000},
    "stl10": {"train": 5000, "test": 8000, "unlabelled": 100000},
    "oxford_flowers102": {"train": 1020, "validation": 1020, "test": 6149},
    "digits": {"train": 1437, "test": 360},
    **{
        "clocks" if c.name == "default" else f"clocks/{c.name}": dict(c.splits)
        for c in clocks.Clocks.BUILDER_CONFIGS
    },
}
VALIDATION_SPLITS = {
    "oxford_flowers102": "validation",
    **{name: "validation" for name in GENERATED if name.startswith("clocks")},
}
# Other ways to read a dataset's tfds splits (``load(..., splits=...)``): the tfds split
# behind each split asked for. "tfds", tfds's own, is every dataset's.
SPLIT_LAYOUTS = {
    "oxford_flowers102": {
        # COSC420 A1's (Table 1: 6,149 training, 1,020 validation and 1,020 test images):
        # train on tfds's 6,149-image test split, test on its 1,020-image train split.
        "large_train": {"train": "test", "test": "train"},
    },
}

# Captured at import so that a patched one (tfds.testing.mock_data) can be told apart.
_DOWNLOAD_AND_PREPARE = vars(tfds.core.DatasetBuilder)["download_and_prepare"]


class DatasetNotAvailableError(RuntimeError):
    """The dataset is not prepared in the data dir and cannot be obtained here."""


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """What a dataset holds: its classes, native image shape and split sizes."""

    name: str
    num_classes: int
    class_names: list[str]
    image_shape: tuple
    splits: dict[str, int]
    label_feature: str = "label"  # "time" for clocks: the label is a value, not a class

    def model_options(self, image_size=None, classes=None) -> dict:
        """``input_shape`` and ``num_classes`` of a model fed by ``load(..., image_size,
        classes)``: the builder options that follow from the data options."""
        size = (image_size, image_size) if isinstance(image_size, int) else image_size
        height_width = tuple(size) if size else tuple(self.image_shape[:2])
        options = {"input_shape": (*height_width, self.image_shape[-1])}
        if self.label_feature == "label":  # not for the clocks, whose label is a time
            options["num_classes"] = len(classes) if classes else self.num_classes
        return options


def check_name(name) -> str:
    """Return ``name`` if the zoo knows it, else raise with the closest name."""
    if name in DATASETS:
        return name
    raise ValueError(
        f"Unknown dataset.{did_you_mean(name, DATASETS)} "
        f"Available datasets: {', '.join(DATASETS)}. Received: {name!r}"
    )


def resolve_data_dir(data_dir=None) -> Path:
    """``data_dir``, else ``$TFDS_DATA_DIR``, else tfds's default (~/tensorflow_datasets)."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    return Path(os.environ.get("TFDS_DATA_DIR") or tfds.core.constants.DATA_DIR).expanduser()


def tfds_split(name, split: str, splits: str = "tfds") -> str:
    """The tfds split that ``split`` (``"train"``, ``"train[:90%]"``, ...) of ``name``
    reads in the layout ``splits``: "tfds" (tfds's own) or one of ``SPLIT_LAYOUTS``."""
    layouts = SPLIT_LAYOUTS.get(name, {})
    if splits == "tfds":
        return split
    if splits not in layouts:
        raise ValueError(
            f"'{name}' has no split layout '{splits}'. Its layouts: "
            f"{', '.join(['tfds', *layouts])}. Received: splits={splits!r}"
        )
    base, bracket, rest = str(split).partition("[")
    return layouts[splits].get(base, base) + bracket + rest


def is_mocked() -> bool:
    """Whether tfds is under ``tfds.testing.mock_data`` (download_and_prepare patched)."""
    return vars(tfds.core.DatasetBuilder)["download_and_prepare"] is not _DOWNLOAD_AND_PREPARE


def _builder(name, data_dir=None):
    return tfds.builder(check_name(name), data_dir=str(resolve_data_dir(data_dir)))


def _ready(builder) -> bool:
    # is_prepared() logs a warning for a folder that does not exist.
    return Path(builder.data_dir).is_dir() and builder.is_prepared()


def info(name, data_dir=None) -> DatasetSpec:
    """Describe ``name`` without preparing it (split sizes from the data when prepared)."""
    builder = _builder(name, data_dir)
    label = builder.info.features["label"]
    splits = {}
    if _ready(builder) and not is_mocked():
        splits = {k: int(v.num_examples) for k, v in builder.info.splits.items()}
    label_names = list(label.names)
    if name in names.KNOWN and label_names == [str(i) for i in range(label.num_classes)]:
        label_names = list(names.KNOWN[name])  # tfds's code-only placeholder names.
    return DatasetSpec(
        name=name,
        num_classes=int(label.num_classes),
        class_names=label_names,
        image_shape=tuple(builder.info.features["image"].shape),
        splits=splits or dict(_KNOWN_SPLITS[name]),
        label_feature=builder.info.supervised_keys[1],
    )


def class_names(name) -> list[str]:
    return info(name).class_names


def is_prepared(name, data_dir=None) -> bool:
    return _ready(_builder(name, data_dir))


def is_available(name, data_dir=None, raw_dir=None) -> bool:
    """Whether ``load`` can read ``name`` here without downloading anything."""
    if name in GENERATED or is_prepared(name, data_dir):
        return True
    raw = fashion_mnist.find_raw_dir(raw_dir) if name == "fashion_mnist" else None
    return raw is not None and all((raw / f).is_file() for f in fashion_mnist.FILENAMES)


def prepared_builder(name, *, data_dir=None, raw_dir=None, download=True):
    """A tfds builder for ``name`` whose data is ready to read, preparing it if need be.

    The ``GENERATED`` sets (digits, clocks) and ``fashion_mnist`` from local raw files
    are prepared even when ``download=False``: nothing is downloaded for them.
    """
    builder = _builder(name, data_dir)
    if is_mocked() or _ready(builder):
        return builder
    root = resolve_data_dir(data_dir)
    if name in GENERATED:
        _prepare_cleanly(root, builder.name, lambda: builder.download_and_prepare())
        return builder
    if name == "fashion_mnist":
        raw = fashion_mnist.find_raw_dir(raw_dir)
        if raw is not None:
            try:
                infos = fashion_mnist.check_raw_files(raw)
            except fashion_mnist.RawFilesError as e:
                raise _not_available(name, root, str(e)) from None
            _prepare_cleanly(root, name, lambda: fashion_mnist.prepare(raw, root, infos))
            return _builder(name, root)
    if not download:
        why = "download=False, so it was not downloaded."
        if name == "fashion_mnist":
            where = f"{fashion_mnist.DEBIAN_DIR} or ${fashion_mnist.ENV_VAR}"
            why = f"it has no raw files in {where}, and {why}"
        raise _not_available(name, root, why)
    _check_reachable(builder, name, root)
    _prepare_cleanly(root, name, lambda: builder.download_and_prepare())
    return builder


def _not_available(name, root, why) -> DatasetNotAvailableError:
    if name == "fashion_mnist":
        how = fashion_mnist.HOW_TO_GET
    else:
        how = (
            f"Prepare it on a machine with internet access (python -m zoo.data prepare {name}, "
            f"or tfds.builder('{name}').download_and_prepare()) and copy the tfds data dir "
            f"(~/tensorflow_datasets/{name}) here, then pass data_dir=... or set TFDS_DATA_DIR."
        )
    return DatasetNotAvailableError(f"Dataset '{name}' is not prepared in {root}: {why} {how}")


def _check_reachable(builder, name, root) -> None:
    """Fail in seconds, not minutes of tfds retries, when the download host is unreachable."""
    urls = list(type(builder).url_infos or ())
    if not urls:
        return
    url = urllib.parse.urlsplit(urls[0])
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=10).close()
    except OSError as e:
        why = f"its download host {url.hostname} is unreachable ({e})."
        raise _not_available(name, root, why) from None


def _prepare_cleanly(root: Path, name, prepare) -> None:
    """Run ``prepare``; on any failure remove what it wrote under ``root`` and raise."""
    created = [p for p in (root, root / name, root / "downloads") if not p.exists()]
    before = {p: set(p.iterdir()) for p in (root / name, root / "downloads") if p.is_dir()}
    try:
        prepare()
    except Exception as e:
        for parent, old in before.items():
            for path in set(parent.iterdir()) - old:
                _remove(path)
        for path in reversed(created):  # Deepest first.
            _remove(path)
        raise _not_available(name, root, f"preparing it failed: {type(e).__name__}: {e}") from e


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()
