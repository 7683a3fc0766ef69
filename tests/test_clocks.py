"""The clocks dataset, the clock framings, their models and the common-sense error."""

import json

import keras
import numpy as np
import pytest
from conftest import fast_only

import zoo
from zoo import clock
from zoo.cli import experiment
from zoo.data import clocks
from zoo.evaluation.metrics import common_sense_error

FRAMINGS = [
    ("regression", None),
    ("classification", 24),
    ("classification", 72),
    ("classification", 720),
    ("multihead", None),
    ("sincos", None),
    ("sincos_both_hands", None),
]
PRESETS = ["clock_regression", "clock_classification", "clock_multihead", "clock_sincos"]
PRESETS += ["clock_sincos_both_hands", "clock_final"]


def hm(hour, minute):
    return 60 * hour + minute


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (hm(11, 55), hm(0, 5), 10),
        (hm(6, 0), hm(0, 0), 360),
        (hm(3, 0), hm(9, 0), 360),
        (hm(1, 30), hm(1, 30), 0),
        (hm(0, 0), hm(11, 59), 1),
        (hm(2, 10), hm(4, 40), 150),
    ],
)
def test_common_sense_error_on_hand_picked_pairs(a, b, expected):
    assert common_sense_error(a, b) == expected
    assert common_sense_error(b, a) == expected


def test_common_sense_error_is_symmetric_and_between_0_and_360():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, 720, 1000), rng.uniform(0, 720, 1000)
    errors = common_sense_error(a, b)
    np.testing.assert_allclose(errors, common_sense_error(b, a))
    assert errors.min() >= 0 and errors.max() <= 360
    # The keras.ops version behind the Keras metric agrees.
    ops_errors = keras.ops.convert_to_numpy(clock.common_sense_error(a, b.astype("float32")))
    np.testing.assert_allclose(ops_errors, errors, atol=1e-3)


@pytest.mark.parametrize("bad", [720, -1, np.nan, 1000.5])
def test_common_sense_error_rejects_times_off_the_dial(bad):
    with pytest.raises(ValueError, match=r"minutes past 12:00 in \[0, 720\)"):
        common_sense_error([10.0, bad], [10.0, 20.0])


def test_common_sense_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        common_sense_error([1.0, 2.0], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("framing, num_classes", FRAMINGS)
def test_targets_decode_back_to_the_time(framing, num_classes):
    times = np.random.default_rng(1).uniform(0, 720, 500).astype("float32")
    times[:4] = [0.0, 59.99, 660.0, 719.9]
    targets = keras.ops.convert_to_numpy(clock.encode(framing, times, num_classes))
    if framing == "classification":
        outputs = np.eye(num_classes, dtype="float32")[targets]  # a perfect classifier
        tolerance = 720 / num_classes / 2  # the middle of the slice
    elif framing == "multihead":
        outputs = np.concatenate(
            [np.eye(12, dtype="float32")[targets[:, 0].astype(int)], targets[:, 1:]], axis=1
        )
        tolerance = 1e-2
    else:
        outputs, tolerance = targets, 1e-2
    decoded = keras.ops.convert_to_numpy(clock.decode(framing, outputs, num_classes))
    assert decoded.shape == times.shape
    assert np.all((decoded >= 0) & (decoded < 720))
    assert common_sense_error(times, decoded).max() <= tolerance + 1e-3


def test_sincos_decoding_takes_the_minutes_from_the_minute_hand():
    # An hour hand read 20 minutes off still gives the exact time: the minute hand
    # says ":35", and the hour closest to the hour hand's reading is 2.
    t = hm(2, 35)
    h = 2 * np.pi * (t + 20) / 720
    m = 2 * np.pi * 35 / 60
    outputs = np.array([[np.sin(h), np.cos(h), np.sin(m), np.cos(m)]], "float32")
    decoded = clock.decode("sincos_both_hands", outputs)
    assert keras.ops.convert_to_numpy(decoded)[0] == pytest.approx(t, 1e-3)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("tfds")
    return data_dir, zoo.data.load("clocks/tiny", "train", batch_size=64, data_dir=data_dir)


def test_the_builder_yields_declared_shapes_and_label_ranges(tiny):
    data_dir, train = tiny
    spec = zoo.data.info("clocks/tiny", data_dir=data_dir)
    assert spec.image_shape == (32, 32, 1)
    assert spec.splits == {"train": 512, "validation": 64, "test": 64}
    assert spec.num_classes == 720 and spec.class_names[:2] == ["12:00", "12:01"]
    x, y = next(train.as_numpy_iterator())
    assert x.shape == (64, 32, 32, 1) and y.dtype == np.float32
    y = np.concatenate([y.numpy() for _, y in train])
    assert len(y) == 512 and y.min() >= 0 and y.max() < 720

    import tensorflow_datasets as tfds

    examples = tfds.builder("clocks/tiny", data_dir=str(data_dir)).as_dataset(split="test")
    for example in examples.take(20).as_numpy_iterator():
        t = example["time"]
        assert example["label"] == int(t)
        assert (example["hour"], example["minute"]) == divmod(int(t), 60)


def test_the_same_seed_draws_the_same_clocks():
    times = [0.0, 100.5, 719.0]
    a = clocks.render(times, image_size=32, seed=7)
    assert a.shape == (3, 32, 32, 1) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, clocks.render(times, image_size=32, seed=7))
    assert not np.array_equal(a, clocks.render(times, image_size=32, seed=8))
    hard = clocks.render(times, image_size=32, seed=7, style=clocks.HARD)
    assert not np.array_equal(a, hard)


def test_the_hands_move_with_the_time():
    # Same seed, same clock face: only the hands differ between 3:00 and 9:00.
    three, nine = clocks.render([hm(3, 0), hm(3, 0) + 360], image_size=48, seed=0)
    assert np.abs(three.astype(int) - nine.astype(int)).max() > 100


@pytest.mark.parametrize("name", fast_only(PRESETS, {"clock_sincos"}))
def test_each_clock_model_trains_and_its_loss_falls(name, tiny):
    # The same batch and the same start on every run (CI once drew an unlucky pair).
    data = zoo.data.load("clocks/tiny", "train", batch_size=64, data_dir=tiny[0], shuffle=False)
    x, y = next(data.as_numpy_iterator())
    keras.utils.set_random_seed(0)
    options = dict(input_shape=(32, 32, 1), filters=(8, 16, 16), dense_units=(64,))
    if name == "clock_final":
        options["conv_dropout"] = (0.0, 0.0, 0.2)
    model = zoo.build(name, **options)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=model.layers[-1].default_loss())
    first = float(model.train_on_batch(x, y))
    # IDL A2's linear minute regression learns more slowly than a sigmoid head would.
    for _ in range(80 if name == "clock_multihead" else 40):
        last = float(model.train_on_batch(x, y))
    print(f"{name}: {first:.4f} -> {last:.4f} ({last / first:.2f})")
    assert np.isfinite(first) and last < 0.8 * first


def test_fit_takes_the_loss_and_metric_from_a_clock_model(tiny, tmp_path):
    _, train = tiny
    model = zoo.build("clock_multihead", input_shape=(32, 32, 1), filters=(8, 16))
    history = zoo.fit(model, train.take(2), epochs=1, run_dir=tmp_path, verbose=0)
    assert "clock_error" in history.history
    assert isinstance(model.loss, clock.ClockLoss) and model.loss.framing == "multihead"

    reloaded = keras.models.load_model(tmp_path / "best.keras")
    x, y = next(train.as_numpy_iterator())
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), 1e-5)
    report = clock.evaluate(reloaded, train.take(2))
    assert report.errors.shape == (128,) and 0 <= report.median <= 360
    assert "median" in str(report)


@pytest.mark.parametrize(
    "name, options, expected",
    [("clock_regression", {}, 1), ("clock_multihead", {}, 13), ("clock_sincos", {}, 2)]
    + [("clock_sincos_both_hands", {}, 4)]
    + [("clock_classification", {"num_classes": k}, k) for k in (24, 72, 720)],
)
def test_every_framing_has_its_output_width(name, options, expected):
    model = zoo.build(name, **options)
    assert model.input_shape == (None, 64, 64, 1) and model.output_shape == (None, expected)
    assert model.get_layer("backbone").output_shape[-1] == 256


def test_the_multihead_model_has_an_hour_and_a_minute_head():
    model = zoo.build("clock_multihead")
    assert model.get_layer("hour").units == 12 and model.get_layer("minute").units == 1


def test_the_multihead_minute_is_linear_by_default_and_a_sigmoid_on_request():
    logits = np.array([[0.0] * 12 + [1.7], [0.0] * 12 + [-0.4]], "float32")
    linear = clock.ClockOutput("multihead")
    assert zoo.build("clock_multihead").layers[-1].minute_activation == "linear"
    np.testing.assert_allclose(keras.ops.convert_to_numpy(linear(logits))[:, 12], [1.7, -0.4])
    sigmoid = clock.ClockOutput("multihead", minute_activation="sigmoid")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(sigmoid(logits))[:, 12], 1 / (1 + np.exp([-1.7, 0.4])), 1e-6
    )
    model = zoo.build("clock_multihead", minute_activation="sigmoid")
    assert model.layers[-1].minute_activation == "sigmoid"
    assert model.count_params() == zoo.build("clock_multihead").count_params()
    # A linear minute off [0, 1) still decodes onto the dial: clipped to [0, 60) minutes.
    outputs = np.eye(13, dtype="float32")[[3, 3]]
    outputs[:, 12] = [1.3, -0.2]
    decoded = keras.ops.convert_to_numpy(clock.decode("multihead", outputs))
    np.testing.assert_allclose(decoded, [240.0, 180.0], atol=1e-3)
    with pytest.raises(ValueError, match="minute_activation"):
        zoo.build("clock_multihead", minute_activation="relu")


def test_the_minute_activation_round_trips_and_old_configs_keep_the_sigmoid():
    for kind in ("linear", "sigmoid"):
        config = clock.ClockOutput("multihead", minute_activation=kind).get_config()
        assert config["minute_activation"] == kind
        assert clock.ClockOutput.from_config(config).minute_activation == kind
    old = clock.ClockOutput("multihead").get_config()
    del old["minute_activation"]  # saved before the option, when the minute was a sigmoid
    assert clock.ClockOutput.from_config(old).minute_activation == "sigmoid"


def test_the_final_model_is_fine_tuned_as_in_idl_a2():
    backbone = zoo.build("clock_final").get_layer("backbone")
    kinds = {type(layer).__name__ for layer in backbone.layers}
    assert {"LeakyReLU", "BatchNormalization", "Dropout"} <= kinds
    assert backbone.get_layer("conv1").kernel_regularizer is not None


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: clocks.render([1.0], image_size=16), "image_size must be an integer >= 24"),
        (lambda: clocks.ClocksConfig(name="x", image_size=12), "image_size must be an integer"),
        (lambda: clocks.render([720.0]), r"minutes in \[0, 720\)"),
        (lambda: zoo.build("clock_sincos", framing="sin_cos"), "Did you mean 'sincos'"),
        (lambda: zoo.build("clock_classification", num_classes=25), "divide the 720 minutes"),
        (lambda: zoo.build("clock_classification", num_classes=1), "divide the 720 minutes"),
        (lambda: zoo.build("clock_sincos", num_classes=24), "for framing='classification'"),
        (lambda: zoo.build("clock_multihead", minute_weight=0), "minute_weight"),
        (lambda: zoo.data.load("clocks/tiny", classes=[1, 2]), "not classes"),
    ],
)
def test_bad_input_raises_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_metric_rejects_predictions_of_the_wrong_shape():
    metric = clock.ClockError("sincos")
    with pytest.raises(ValueError, match=r"outputs \(batch, 2\)"):
        metric.update_state(np.array([10.0, 20.0]), np.zeros((2, 3), "float32"))


def test_clock_figures(tiny, tmp_path, figure):
    _, train = tiny
    model = zoo.build("clock_sincos", input_shape=(32, 32, 1), filters=(8,), dense_units=())
    zoo.plots.plot_clock_predictions(model, train, tmp_path / "grid.png", n=9)
    report = clock.evaluate(model, train.take(1))
    zoo.plots.plot_clock_errors([report, report], tmp_path / "errors.png")
    figure(tmp_path / "grid.png")
    figure(tmp_path / "errors.png")


@pytest.mark.integration
def test_an_experiment_on_clocks_writes_the_clock_report_and_figures(tiny, tmp_path, figure):
    data_dir, _ = tiny
    model = zoo.build("clock_sincos", input_shape=(32, 32, 1), filters=(8, 16), dense_units=(32,))
    report = experiment.run(
        model,
        "clocks/tiny",
        tmp_path,
        data_options={"data_dir": data_dir},
        fit_options={"epochs": 1},
        verbose=0,
    )
    assert isinstance(report, clock.ClockReport) and report.errors.shape == (64,)
    summary = (tmp_path / "report.json").read_text()
    assert '"median_error_minutes"' in summary and '"train_seconds"' in summary
    figure(tmp_path / "figures" / "predictions.png")
    figure(tmp_path / "figures" / "errors.png")


@pytest.mark.integration
def test_the_command_line_trains_a_clock_model(tiny, tmp_path, monkeypatch, figure):
    from zoo.cli.commands import main

    monkeypatch.setenv("TFDS_DATA_DIR", str(tiny[0]))
    argv = ["train", "clock_multihead", "--dataset", "clocks/tiny", "--epochs", "1"]
    main([*argv, "--out", str(tmp_path), "--verbose", "0", "--set", "filters=(8,16)"])
    assert json.loads((tmp_path / "report.json").read_text())["model"] == "clock_multihead"
    figure(tmp_path / "figures" / "errors.png")
