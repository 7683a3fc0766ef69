"""Prepare tfds's stock ``fashion_mnist`` from local IDX files, with no network.

tfds's builder only accepts files whose size and sha256 match those it registered.
Debian's ``dataset-fashion-mnist`` ships the same data recompressed (the gzip
headers lack the file name), so its bytes differ. A subclass that changes nothing
but ``url_infos`` lets tfds take either copy from ``manual_dir``; the result is the
stock dataset (same name, version and splits), readable by ``tfds.load``.
"""

import hashlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import PIL.Image
import tensorflow_datasets as tfds
from tensorflow_datasets.core import utils as tfds_utils
from tensorflow_datasets.core.download import checksums
from tensorflow_datasets.image_classification.mnist import FashionMNIST

ENV_VAR = "ZOO_FASHION_MNIST_DIR"
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"

# filename -> (size in bytes, sha256), for each copy we accept.
ORIGINAL_FILES = {  # tensorflow_datasets/url_checksums/fashion_mnist.txt
    "train-images-idx3-ubyte.gz": (
        26421880,
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    ),
    "train-labels-idx1-ubyte.gz": (
        29515,
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    ),
    "t10k-images-idx3-ubyte.gz": (
        4422102,
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        5148,
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    ),
}
DEBIAN_FILES = {  # Debian's dataset-fashion-mnist, recompressed: same pixels.
    "train-images-idx3-ubyte.gz": (
        26421856,
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    ),
    "train-labels-idx1-ubyte.gz": (
        29491,
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    ),
    "t10k-images-idx3-ubyte.gz": (
        4422079,
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        5125,
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    ),
}
FILENAMES = tuple(ORIGINAL_FILES)

HOW_TO_GET = (
    "Install Debian's package dataset-fashion-mnist (it puts the files in "
    f"{DEBIAN_DIR}), or pass raw_dir= (or set {ENV_VAR}) to a folder holding the "
    f"four IDX files {', '.join(FILENAMES)}, or prepare it with tfds on a connected "
    "machine and copy the tfds data dir here (pass data_dir=...)."
)


class RawFilesError(Exception):
    """A raw file is missing or is not one of the known copies."""


class _LocalFashionMNIST(FashionMNIST, skip_registration=True):
    """The stock builder with the checksums of the local files, its images PNG-encoded
    by Pillow."""

    name = "fashion_mnist"

    def __init__(self, *, local_url_infos, **kwargs):
        self._local_url_infos = local_url_infos
        super().__init__(**kwargs)

    @property
    def url_infos(self):
        return self._local_url_infos

    def _generate_examples(self, **kwargs):
        # Given an array, tfds encodes it with a TensorFlow op call of its own per image,
        # the slow part of preparing 70,000 of them; given PNG bytes, it stores them.
        # Pillow's PNG decodes to the same pixels.
        for key, example in super()._generate_examples(**kwargs):
            yield key, {**example, "image": _png(example["image"])}


def _png(image) -> bytes:
    """A (height, width, 1) uint8 image as PNG bytes."""
    out = io.BytesIO()
    PIL.Image.fromarray(image[..., 0]).save(out, format="PNG")
    return out.getvalue()


def find_raw_dir(raw_dir=None) -> Path | None:
    """``raw_dir``, else ``$ZOO_FASHION_MNIST_DIR``, else Debian's folder if it exists."""
    if raw_dir is not None:
        return Path(raw_dir)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(DEBIAN_DIR) if Path(DEBIAN_DIR).is_dir() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_raw_files(raw_dir) -> dict:
    """Check every file's size and sha256; return tfds ``url_infos`` for them."""
    url_infos = {}
    for fname in FILENAMES:
        path = Path(raw_dir) / fname
        known = {"original": ORIGINAL_FILES[fname], "Debian": DEBIAN_FILES[fname]}
        expected = " or ".join(f"{size:,} bytes ({copy})" for copy, (size, _) in known.items())
        if not path.is_file():
            raise RawFilesError(f"{path} is missing (expected {expected}).")
        size = path.stat().st_size
        matches = [sha for s, sha in known.values() if s == size]
        if not matches:
            raise RawFilesError(
                f"{path} has {size:,} bytes, expected {expected}: truncated or not Fashion-MNIST."
            )
        sha = _sha256(path)
        if sha not in matches:
            raise RawFilesError(
                f"{path} is corrupt: its sha256 {sha} matches neither the original nor "
                f"Debian's copy (expected {' or '.join(matches)})."
            )
        url = FashionMNIST.URL + fname
        url_infos[url] = checksums.UrlInfo(size=tfds_utils.Size(size), checksum=sha, filename=fname)
    return url_infos


def prepare(raw_dir, data_dir, url_infos=None) -> None:
    """Prepare ``fashion_mnist`` in ``data_dir`` from the four IDX files in ``raw_dir``.

    Raises ``RawFilesError`` before anything is written if a file is not right
    (``url_infos``: what ``check_raw_files`` returned, to skip checking again).
    Extracted files go to a temporary folder that is removed afterwards.
    """
    url_infos = url_infos or check_raw_files(raw_dir)
    builder = _LocalFashionMNIST(data_dir=data_dir, local_url_infos=url_infos)
    tmp = tempfile.mkdtemp(prefix="zoo-fashion-mnist-")
    try:
        builder.download_and_prepare(
            download_dir=tmp,
            download_config=tfds.download.DownloadConfig(
                manual_dir=str(raw_dir), try_download_gcs=False
            ),
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
