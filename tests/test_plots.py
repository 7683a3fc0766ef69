"""Every figure in zoo.plots renders headless, saves a PNG and shows what it should."""

import keras
import matplotlib.image
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from zoo import plots
from zoo.evaluation import evaluate


def check_png(path, min_bytes=5_000):
    assert path.is_file() and path.stat().st_size > min_bytes
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[2] in (3, 4)
    return image


def identity_model(num_classes):
    inputs = keras.Input((num_classes,))
    return keras.Model(inputs, keras.layers.Identity()(inputs))


def channel_model():
    """Predicts the colour channel with the highest mean: a classifier we can read."""
    inputs = keras.Input((6, 6, 3))
    outputs = keras.layers.Softmax()(keras.layers.GlobalAveragePooling2D()(inputs))
    return keras.Model(inputs, outputs)


def report_for(num_classes, n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, num_classes, size=n)
    probs = rng.random((n, num_classes)).astype("float32")
    probs[np.arange(n), y] += rng.random(n) * 1.5  # mostly right, some wrong
    names = [f"flower_{i}" for i in range(num_classes)]
    return evaluate(identity_model(num_classes), (probs, y), class_names=names)


def test_plot_history_from_history_dict_and_csv(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.integers(0, 2, size=32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    csv_path = tmp_path / "log.csv"
    history = model.fit(
        x,
        y,
        epochs=3,
        batch_size=16,
        validation_split=0.25,
        verbose=0,
        callbacks=[keras.callbacks.CSVLogger(str(csv_path))],
    )
    for source in (history, history.history, csv_path):
        path = tmp_path / "out" / f"{type(source).__name__}.png"
        fig = plots.plot_history(source, path)
        check_png(path)
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title() for ax in visible][:2] == ["loss", "accuracy"]
        loss_lines = visible[0].get_lines()
        assert [line.get_label() for line in loss_lines] == ["train", "validation"]
        np.testing.assert_array_equal(loss_lines[0].get_xdata(), [1, 2, 3])
        np.testing.assert_allclose(loss_lines[1].get_ydata(), history.history["val_loss"], 1e-5)
    fig = plots.plot_history({"loss": [3, 2, 1]}, metrics=["loss"])
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="Received: metrics=\\['mae'\\]"):
        plots.plot_history(history, metrics=["mae"])


def test_plot_confusion_matrix_annotates_small_matrices_only(tmp_path):
    small = report_for(4)
    fig = plots.plot_confusion_matrix(small, tmp_path / "cm4.png")
    check_png(tmp_path / "cm4.png")
    ax = fig.axes[0]
    assert len(ax.texts) == 16
    cells = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(cells.sum(axis=1), 1.0, rtol=1e-6)  # rows normalised
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["flower_0", "flower_1"]
    counts = plots.plot_confusion_matrix(small, normalize=False).axes[0]
    assert sum(int(t.get_text()) for t in counts.texts) == 300

    big = report_for(102, n=600)
    fig = plots.plot_confusion_matrix(big, tmp_path / "cm102.png")
    check_png(tmp_path / "cm102.png")
    assert len(fig.axes[0].texts) == 0
    assert len(fig.axes[0].get_xticklabels()) == 102


def test_plot_per_class_accuracy_highlights_best_and_worst(tmp_path):
    report = report_for(12)
    fig = plots.plot_per_class_accuracy(report, tmp_path / "bars.png")
    check_png(tmp_path / "bars.png", min_bytes=3_000)
    bars = fig.axes[0].patches
    heights = [bar.get_height() for bar in bars]
    assert heights == sorted(heights, reverse=True)
    colours = [bar.get_facecolor() for bar in bars]
    assert colours[:5] == [to_rgba("tab:green")] * 5
    assert colours[-5:] == [to_rgba("tab:red")] * 5
    assert colours[5:7] == [to_rgba("tab:gray")] * 2
    best = [t.get_text() for t in fig.axes[0].get_xticklabels()][:5]
    assert best == [name for name, _ in report.best_classes(5)]


def check_title_colours(fig, class_names):
    titled = [ax for ax in fig.axes if ax.get_title()]
    right = wrong = 0
    for ax in titled:
        true, predicted = ax.get_title().split(" / ")
        assert true in class_names and predicted in class_names
        is_right = true == predicted
        assert to_rgba(ax.title.get_color()) == to_rgba("tab:green" if is_right else "tab:red")
        right, wrong = right + is_right, wrong + (not is_right)
    return len(titled), right, wrong


def test_plot_predictions_colours_right_and_wrong(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.random((40, 6, 6, 3)).astype("float32") * 255
    truth = np.argmax(x.mean(axis=(1, 2)), axis=1)
    y = np.where(np.arange(40) % 2 == 0, truth, (truth + 1) % 3)  # every other one wrong
    names = ["red", "green", "blue"]
    fig = plots.plot_predictions(channel_model(), (x, y), tmp_path / "p.png", class_names=names)
    check_png(tmp_path / "p.png")
    count, right, wrong = check_title_colours(fig, names)
    assert count == 16 and right > 0 and wrong > 0
    shown = np.asarray(fig.axes[0].images[0].get_array())
    assert shown.shape == (6, 6, 3) and shown.min() == 0 and shown.max() == pytest.approx(1)

    tf = pytest.importorskip("tensorflow")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    fig = plots.plot_predictions(channel_model(), dataset, class_names=names, n=9, seed=3)
    count, right, wrong = check_title_colours(fig, names)
    assert count == 9 and right + wrong == 9


def test_plot_predictions_grayscale():
    inputs = keras.Input((5, 5, 1))
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).integers(0, 256, size=(10, 5, 5, 1)).astype("uint8")
    fig = plots.plot_predictions(model, (x, np.arange(10) % 2), n=4)
    count, right, wrong = check_title_colours(fig, ["0", "1"])
    assert count == 4
    assert np.asarray(fig.axes[0].images[0].get_array()).shape == (5, 5)


def test_plot_images_grids_any_layout(tmp_path):
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, size=(10, 8, 8, 1)).astype("uint8")
    fig = plots.plot_images(gray, [0, 1] * 5, tmp_path / "g.png", class_names=["cat", "dog"])
    check_png(tmp_path / "g.png", min_bytes=3_000)
    assert [ax.get_title() for ax in fig.axes[:3]] == ["cat", "dog", "cat"]
    assert len(fig.axes) == 16 and sum(bool(ax.images) for ax in fig.axes) == 10
    centred = rng.random((3, 8, 8, 3)).astype("float32") - 0.5
    fig = plots.plot_images(centred, ["a", "b", "c"], ncols=3)
    shown = np.asarray(fig.axes[0].images[0].get_array())
    assert shown.min() == 0 and shown.max() == pytest.approx(1)
    flat = rng.random((2, 64))
    fig = plots.plot_images(flat)
    assert np.asarray(fig.axes[0].images[0].get_array()).shape == (8, 8)
    with pytest.raises(ValueError, match="Received: len\\(images\\)=2, len\\(labels\\)=3"):
        plots.plot_images(flat, [0, 1, 2])


@pytest.fixture(scope="module")
def mlp():
    inputs = keras.Input((8,), name="pixels")
    hidden = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(hidden)
    return keras.Model(inputs, outputs, name="tiny_mlp")


def test_plot_tsne_scatters_a_hidden_layer(tmp_path, mlp):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=100)
    x = (rng.normal(size=(100, 8)) + 3 * y[:, None]).astype("float32")
    names = ["zero", "one", "two"]
    fig = plots.plot_tsne(mlp, (x, y), "hidden", tmp_path / "t.png", n=80, class_names=names)
    check_png(tmp_path / "t.png")
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 80
    assert [t.get_text() for t in ax.get_legend().get_texts()] == names
    assert "hidden" in ax.get_title()


def test_plot_tsne_unknown_layer_lists_the_layers(mlp):
    x, y = np.zeros((10, 8), "float32"), np.zeros(10, int)
    with pytest.raises(ValueError, match="Did you mean 'hidden'") as error:
        plots.plot_tsne(mlp, (x, y), "hiden")
    message = str(error.value)
    assert "['hidden', " in message and "'out'" in message and "'pixels'" in message
    assert message.endswith("Received: layer='hiden'")


def test_histories_of_several_runs_share_one_figure(tmp_path):
    histories = {
        "sgd": {"loss": [2.0, 1.0, 0.5], "val_loss": [2.1, 1.2, 0.9]},
        "adam": {"loss": [1.5, 0.7], "val_loss": [1.6, 1.0]},
    }
    fig = plots.plot_histories(histories, tmp_path / "loss.png")
    check_png(tmp_path / "loss.png")
    training, validation = fig.axes
    assert [line.get_label() for line in training.lines] == ["sgd", "adam"]
    np.testing.assert_allclose(validation.lines[1].get_ydata(), [1.6, 1.0])
    with pytest.raises(ValueError, match="No 'accuracy'"):
        plots.plot_histories(histories, metric="accuracy")


def test_results_put_the_zoo_next_to_the_reference(tmp_path):
    rows = [
        {"experiment": "default", "metric": "recall", "reference": 0.69, "zoo": 0.72},
        {"experiment": "new", "metric": "recall", "reference": None, "zoo": 0.75},
    ]
    fig = plots.plot_results(rows, tmp_path / "results.png")
    check_png(tmp_path / "results.png")
    reference, zoo = fig.axes[0].containers
    assert [bar.get_height() for bar in zoo] == [0.72, 0.75]
    assert reference[0].get_height() == 0.69 and np.isnan(reference[1].get_height())
    with pytest.raises(ValueError, match="No rows"):
        plots.plot_results([{"experiment": "x", "zoo": None}])
