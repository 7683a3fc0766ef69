"""What the tests share: one tfds data dir with ``digits`` prepared, for the session.

``digits`` (scikit-learn's 1,797 8x8 images, as a tfds builder) is the real dataset
that every machine has; tests that train on real images use it from here, so it is
prepared once rather than once per file. The tiers: ``make test-fast`` runs the tests
not marked ``integration`` (whole scripts, subprocesses, longer trainings); ``make
test`` runs those too; ``slow`` ones (minutes of CPU) run only when asked for
(``-m slow``).
"""

import pytest

import zoo


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """A tfds data dir with ``digits`` prepared (well under a second)."""
    path = tmp_path_factory.mktemp("tfds")
    zoo.data.load("digits", data_dir=path)
    return path


def check_figure(path, min_pixels: int = 100) -> None:
    """``path`` is a PNG that PIL reads, at least ``min_pixels`` on each side, and not one
    flat colour: a figure was drawn, not only a file touched."""
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG", f"{path} is {image.format}"
        assert min(image.size) >= min_pixels, f"{path} is only {image.size}"
        low, high = image.convert("L").getextrema()
        assert high > low, f"{path} is one flat colour"


@pytest.fixture
def figure():
    """``figure(path)`` asserts that ``path`` holds a drawn PNG figure."""
    return check_figure


def fast_only(items, fast):
    """``items`` as pytest params: those in ``fast`` in the fast tier, the rest marked
    ``integration``. For tests over every preset: the fast tier keeps a representative
    few, ``make test`` runs them all."""
    return [
        item if item in fast else pytest.param(item, marks=pytest.mark.integration)
        for item in items
    ]
