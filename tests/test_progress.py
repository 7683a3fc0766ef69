"""Progress bars: the steps a user waits on show a Keras progress bar with their step
count unless ``verbose=0``, which prints nothing."""

from collections import OrderedDict

import keras
import numpy as np
import pytest

import zoo
from zoo import diffusion
from zoo.figures import plots
from zoo.progress import check_verbose, count, progress


def tiny_classifier():
    inputs = keras.Input((4,), name="pixels")
    hidden = keras.layers.Dense(6, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax", name="head")(hidden)
    return keras.Model(inputs, outputs, name="tiny")


def examples(n=30, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    return (rng.normal(size=(n, 4)) + 3 * y[:, None]).astype("float32"), y


@pytest.mark.parametrize("verbose", [1, "auto"])
def test_evaluate_counts_the_batches(capsys, verbose):
    x, y = examples()
    batches = [(x[:10], y[:10]), (x[10:20], y[10:20]), (x[20:], y[20:])]
    zoo.evaluate(tiny_classifier(), batches, verbose=verbose)
    assert "3/3" in capsys.readouterr().out


def test_evaluate_and_predict_arrays_are_quiet_with_verbose_0(capsys):
    x, y = examples()
    model = tiny_classifier()
    zoo.evaluate(model, [(x[:15], y[:15]), (x[15:], y[15:])], verbose=0)
    zoo.evaluation.predict_arrays(model, x, batch_size=8, verbose=0)
    assert capsys.readouterr().out == ""


def test_predict_arrays_counts_its_batches(capsys):
    x, _ = examples()
    zoo.evaluation.predict_arrays(tiny_classifier(), x, batch_size=8, verbose=1)
    assert "4/4" in capsys.readouterr().out  # 30 rows in batches of 8


def test_ddim_sampling_counts_the_denoising_steps(capsys):
    unet = zoo.build("unet", input_shape=(4, 4, 1), widths=(2,), bottleneck=(2,))
    model = diffusion.Diffusion(unet, seed=0)
    model.sample(2, steps=3, seed=0, verbose=1)
    out = capsys.readouterr().out
    assert "DDIM sampling 2 images in 3 steps" in out and "3/3" in out
    model.sample(2, steps=3, seed=0, verbose=0)
    assert capsys.readouterr().out == ""


def test_tsne_shows_a_bar_around_the_fit(capsys):
    model, data = tiny_classifier(), examples()
    plots.plot_tsne(model, data, "hidden", n=20, verbose=1)
    out = capsys.readouterr().out
    assert "t-SNE of 20 points" in out and "1/1" in out
    plots.plot_tsne(model, data, "hidden", n=20, verbose=0)
    assert capsys.readouterr().out == ""


def test_reading_a_split_into_memory_counts_its_batches(data_dir, capsys, monkeypatch):
    monkeypatch.setattr(zoo.data.pipeline, "_READS", OrderedDict())  # each load reads
    monkeypatch.setattr(zoo.data.pipeline, "READS_KEPT", 0)
    zoo.data.load("digits", "test", data_dir=data_dir, verbose=1)
    assert capsys.readouterr().out == ""  # one chunk: over in a moment, no bar
    monkeypatch.setattr(zoo.data.pipeline, "READ_CHUNK", 100)
    zoo.data.load("digits", "test", data_dir=data_dir, verbose=1)
    out = capsys.readouterr().out
    assert "Reading split 'test' of 'digits' into memory" in out and "4/4" in out  # 360
    zoo.data.load("digits", "test", data_dir=data_dir, verbose=0)
    assert capsys.readouterr().out == ""


def test_count_knows_lists_and_dataset_cardinalities():
    tf = pytest.importorskip("tensorflow")
    ds = tf.data.Dataset.range(10).batch(4)
    assert count(ds) == 3 and count([1, 2]) == 2
    assert count(ds.filter(lambda x: True)) is None  # unknown cardinality
    assert count(iter([1, 2])) is None


def test_a_bar_of_unknown_length_still_counts(capsys):
    assert list(progress(iter("abc"), verbose=1)) == ["a", "b", "c"]
    assert "3/Unknown" in capsys.readouterr().out


def test_bad_verbose_is_refused():
    assert check_verbose("auto") == 1 and check_verbose(2) == 2
    with pytest.raises(ValueError, match="Received: verbose='loud'"):
        check_verbose("loud")
    with pytest.raises(ValueError, match="Received: verbose=3"):
        zoo.data.load("digits", verbose=3)
