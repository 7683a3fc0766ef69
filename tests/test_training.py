"""zoo.fit, the hand-written loss, transfer, and .keras files across backends."""

import csv
import json

import keras
import numpy as np
import pytest

import zoo
from zoo.cli import experiment


@pytest.fixture(scope="module")
def digits(data_dir):
    train = zoo.data.load("digits", "train", batch_size=32, data_dir=data_dir, seed=0)
    test = zoo.data.load("digits", "test", batch_size=128, data_dir=data_dir)
    return train, test


def small_cnn(**options):
    return zoo.build("cnn", input_shape=(8, 8, 1), filters=(16, 32), dense_units=(32,), **options)


@pytest.mark.integration  # a few hundred steps
def test_small_cnn_on_digits_beats_chance_by_far(digits, tmp_path):
    train, test = digits
    model = small_cnn()
    history = zoo.fit(model, train, epochs=8, run_dir=tmp_path, seed=0, verbose=0)
    assert int(train.cardinality()) * 8 >= 300  # a few hundred steps
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    report = zoo.evaluate(model, test)
    assert report.accuracy > 0.85  # chance is 0.10


def test_fit_writes_the_run_directory(digits, tmp_path):
    train, test = digits
    model = small_cnn()
    zoo.fit(model, train.take(3), test.take(1), epochs=2, run_dir=tmp_path, verbose=0)
    with open(tmp_path / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert [row["epoch"] for row in rows] == ["0", "1"]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(rows[0])
    best = keras.models.load_model(tmp_path / "best.keras")
    assert best.count_params() == model.count_params()
    assert json.loads((tmp_path / "fit.json").read_text())["status"] == "complete"
    assert any((tmp_path / "tensorboard").rglob("events.out.tfevents.*"))
    assert not (tmp_path / "backup").exists()  # removed once training ends normally


def test_fit_resumes_after_a_crash(digits, tmp_path):
    train, _ = digits

    class Crash(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError, match="simulated crash"):
        zoo.fit(
            small_cnn(), train.take(2), epochs=4, run_dir=tmp_path, callbacks=[Crash()], verbose=0
        )
    history = zoo.fit(small_cnn(), train.take(2), epochs=4, run_dir=tmp_path, verbose=0)
    assert len(history.history["loss"]) == 2  # epochs 3 and 4 only
    with open(tmp_path / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1", "2", "3"]


@pytest.mark.parametrize(
    "schedule, expected",
    [
        ("step", [0.1, 0.1, 0.05, 0.05, 0.025]),  # x0.5 every 2 epochs
        ("exponential", [0.1, 0.05, 0.025, 0.0125, 0.00625]),
    ],
)
def test_step_decay_schedules(schedule, expected, tmp_path):
    x = np.zeros((40, 8, 8, 1), "float32")
    y = np.zeros(40, "int32")
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            opt = self.model.optimizer
            seen.append(float(opt.learning_rate))

    zoo.fit(
        small_cnn(),
        (x, y),
        epochs=5,
        batch_size=10,
        optimizer="sgd",
        learning_rate=0.1,
        schedule=schedule,
        step_size=2,
        gamma=0.5,
        run_dir=tmp_path,
        callbacks=[Record()],
        checkpoint=False,
        tensorboard=False,
        verbose=0,
    )
    np.testing.assert_allclose(seen, expected, rtol=1e-6)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"epochs": 0}, "epochs"),
        ({"optimizer": "adamm"}, "Did you mean 'adam'"),
        ({"schedule": "cosin"}, "Unknown schedule"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"early_stopping": 0}, "early_stopping"),
        ({"batch_size": 32}, "batch_size"),
        ({"steps_per_execution": 0}, "steps_per_execution"),
    ],
)
def test_bad_fit_options_fail_before_training(digits, options, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        zoo.fit(small_cnn(), digits[0], run_dir=tmp_path, verbose=0, **options)


@pytest.mark.integration
def test_steps_per_execution_trains_the_same_weights(digits, tmp_path):
    """3 batches a call make the same updates as 1; 7 batches leave a last call of 1."""
    x, y = next(iter(digits[0].unbatch().batch(224)))
    x, y = np.asarray(x), np.asarray(y)
    weights = []
    for steps in (1, 3):
        keras.utils.set_random_seed(0)
        model = small_cnn()
        history = zoo.fit(
            model,
            (x, y),
            epochs=2,
            batch_size=32,
            steps_per_execution=steps,
            seed=0,
            run_dir=tmp_path / str(steps),
            checkpoint=False,
            tensorboard=False,
            verbose=0,
        )
        assert model.steps_per_execution == steps
        weights.append(model.get_weights())
    assert history.history["loss"][-1] < history.history["loss"][0]
    for one, three in zip(*weights):
        np.testing.assert_allclose(one, three, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("from_logits", [False, True])
def test_hand_written_cross_entropy_equals_keras(from_logits):
    rng = np.random.default_rng(1)
    logits = rng.normal(scale=3.0, size=(64, 10)).astype("float32")
    outputs = logits if from_logits else keras.ops.convert_to_numpy(keras.ops.softmax(logits))
    labels = rng.integers(0, 10, size=64)
    ours = zoo.losses.CrossEntropy(from_logits=from_logits)(labels, outputs)
    theirs = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)(labels, outputs)
    np.testing.assert_allclose(float(ours), float(theirs), atol=1e-6)
    per_example = zoo.losses.sparse_categorical_crossentropy(labels, outputs, from_logits)
    expected = keras.losses.sparse_categorical_crossentropy(labels, outputs, from_logits)
    np.testing.assert_allclose(per_example, expected, atol=1e-6)


def test_hand_written_cross_entropy_trains_through_compile(digits, tmp_path):
    model = small_cnn()
    history = zoo.fit(
        model,
        digits[0].take(10),
        epochs=3,
        loss=zoo.losses.CrossEntropy(),
        run_dir=tmp_path,
        verbose=0,
        seed=0,
    )
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_transfer_copies_every_layer_but_the_head(digits):
    source = small_cnn(batch_norm=True)
    source.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    images, labels = next(iter(digits[0].as_numpy_iterator()))
    source.train_on_batch(images, labels)

    target = zoo.transfer(source, 5, freeze=True)
    assert target.output_shape == (None, 5)
    for layer in target.layers:
        if layer.name != "head":
            for new, old in zip(layer.get_weights(), source.get_layer(layer.name).get_weights()):
                np.testing.assert_array_equal(new, old)
    assert [w.path for w in target.trainable_weights] == ["head/kernel", "head/bias"]

    before = [w.copy() for w in source.get_weights()]
    target.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    target.train_on_batch(images, labels % 5)
    for old, now in zip(before, source.get_weights()):
        np.testing.assert_array_equal(old, now)  # the source model is untouched


def test_transfer_needs_a_head():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(3, name="out")(inputs))
    with pytest.raises(ValueError, match="named 'head'"):
        zoo.transfer(model, 2)
    with pytest.raises(ValueError, match="num_classes"):
        zoo.transfer(small_cnn(), 1)


def test_step_decay_on_data_of_unknown_length(tmp_path):
    # A filtered dataset (a class subset streamed with zoo.data.load(classes=...,
    # cache=False)): tf.data cannot tell its length, so zoo.fit counts the batches
    # once: the per-step schedule needs it, and without it Keras warns that the input
    # "ran out of data" every epoch.
    import warnings

    import tensorflow as tf

    x = np.zeros((40, 8, 8, 1), "float32")
    y = (np.arange(40) % 10).astype("int32")
    train = tf.data.Dataset.from_tensor_slices((x, y)).filter(lambda x, y: y < 5).batch(10)
    assert int(train.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(float(model.optimizer.learning_rate))
    )
    model = small_cnn()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        zoo.fit(
            model,
            train,
            validation=train,
            epochs=5,
            optimizer="sgd",
            learning_rate=0.1,
            schedule="step",
            step_size=2,
            gamma=0.5,
            run_dir=tmp_path,
            callbacks=[record],
            checkpoint=False,
            tensorboard=False,
            verbose=0,
        )
    np.testing.assert_allclose(seen, [0.1, 0.1, 0.05, 0.05, 0.025], rtol=1e-6)
    assert int(model.optimizer.iterations) == 5 * 2  # 20 examples a pass, batches of 10
    assert not [w for w in caught if "ran out of data" in str(w.message)]


@pytest.mark.integration
def test_experiment_on_a_class_subset_reports_those_classes(tmp_path, data_dir, figure):
    options = {"classes": [3, 7], "data_dir": data_dir}
    model = zoo.build("mlp", input_shape=(8, 8, 1), num_classes=2, hidden_units=(16,))
    report = experiment.run(
        model,
        "digits",
        tmp_path / "run",
        data_options=options,
        fit_options={"epochs": 1, "tensorboard": False},
        verbose=0,
    )
    assert report.class_names == ["3", "7"]
    figure(tmp_path / "run" / "figures" / "confusion_matrix.png")
    assert "Total params" in (tmp_path / "run" / "summary.txt").read_text()


# ---- trust: batch-norm statistics, seeds, run directories, bad data ------------------


def bn_cnn():
    return small_cnn(batch_norm=True, dense_batch_norm=True)


def first_batch_norm_input_stats(model, data):
    """Mean and variance of the input of the model's first batch-norm layer over ``data``."""
    layer = zoo.callbacks.batch_norm_layers(model)[0]
    probe = keras.Model(model.input, layer.input)
    x = np.concatenate([np.asarray(probe(images, training=True)) for images, _ in data])
    return x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2)), layer


@pytest.mark.integration
def test_precise_bn_gives_the_statistics_of_the_trained_weights(digits, tmp_path):
    train, test = digits
    scores = {}
    for precise_bn in (0, 64):
        keras.utils.set_random_seed(0)
        model = bn_cnn()
        zoo.fit(
            model,
            train,
            epochs=2,
            precise_bn=precise_bn,
            run_dir=tmp_path / str(precise_bn),
            seed=0,
            tensorboard=False,
            verbose=0,
        )
        mean, var, layer = first_batch_norm_input_stats(model, train)
        moving_var = np.asarray(layer.moving_variance)
        if precise_bn:
            np.testing.assert_allclose(np.asarray(layer.moving_mean), mean, rtol=0.1, atol=1e-3)
        scores[precise_bn] = (np.median(moving_var / var), zoo.evaluate(model, test).accuracy)
    # 90 steps at momentum 0.99 keep 40% of the initial variance of 1.0: far too large.
    assert scores[0][0] > 2
    assert 0.9 < scores[64][0] < 1.1
    assert scores[64][1] > 0.85  # chance is 0.10


def test_recompute_batch_norm_restores_the_momentum():
    model = bn_cnn()
    x = np.random.default_rng(0).uniform(size=(16, 8, 8, 1)).astype("float32")
    assert zoo.callbacks.recompute_batch_norm(model, [x[:8], x[8:]]) == 2
    assert {layer.momentum for layer in zoo.callbacks.batch_norm_layers(model)} == {0.99}


def seeded_run(data_dir, run_dir):
    zoo.set_seed(3)
    model = zoo.build(
        "cnn",
        input_shape=(8, 8, 1),
        filters=(8,),
        batch_norm=True,
        dense_units=(16,),
        dense_dropout=0.3,
    )
    train = zoo.data.load(
        "digits", "train", batch_size=64, data_dir=data_dir, seed=3, augment=["flip", "rotation"]
    )
    history = zoo.fit(
        model, train.take(6), epochs=2, run_dir=run_dir, seed=3, verbose=0, tensorboard=False
    )
    return history.history, model.get_weights()


@pytest.mark.integration
def test_a_seeded_fit_repeats_exactly(tmp_path, data_dir):
    first, first_weights = seeded_run(data_dir, tmp_path / "a")
    again, again_weights = seeded_run(data_dir, tmp_path / "b")
    assert first == again  # bit for bit: the same floats
    for one, two in zip(first_weights, again_weights):
        np.testing.assert_array_equal(one, two)


def test_a_finished_run_is_not_trained_again(digits, tmp_path, capsys):
    train, _ = digits
    model = small_cnn()
    first = zoo.fit(model, train.take(3), epochs=2, run_dir=tmp_path, verbose=0, seed=0)
    weights = model.get_weights()
    other = small_cnn()
    again = zoo.fit(other, train.take(3), epochs=2, run_dir=tmp_path, verbose=0, seed=0)
    assert "is complete (2 epochs)" in capsys.readouterr().out
    assert again.history == first.history
    for one, two in zip(weights, other.get_weights()):
        np.testing.assert_array_equal(one, two)
    with open(tmp_path / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1"]

    with pytest.raises(ValueError, match="other options.*epochs: 2 there, 3 now"):
        zoo.fit(small_cnn(), train.take(3), epochs=3, run_dir=tmp_path, verbose=0, seed=0)
    zoo.fit(small_cnn(), train.take(3), epochs=3, run_dir=tmp_path, verbose=0, overwrite=True)
    with open(tmp_path / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1", "2"]  # one run


@pytest.mark.integration
def test_the_train_command_repeats_with_a_seed_and_does_not_retrain(tmp_path, capsys):
    from zoo.cli.commands import main

    def train(out):
        command = "train mlp --dataset digits --epochs 2 --seed 3 --verbose 0 --figures history"
        main([*command.split(), "--out", str(out)])
        return json.loads((out / "report.json").read_text())

    first, again, other = train(tmp_path / "a"), train(tmp_path / "a"), train(tmp_path / "b")
    assert "is complete (2 epochs)" in capsys.readouterr().out
    assert again == first  # evaluated again, training time included, not trained again
    assert len((tmp_path / "a" / "run" / "history.csv").read_text().splitlines()) == 3
    first.pop("train_seconds"), other.pop("train_seconds")
    assert other == first  # a second run with the same seed: the same numbers
    histories = [(tmp_path / name / "run" / "history.csv").read_text() for name in "ab"]
    assert histories[0] == histories[1]
    assert [path.name for path in (tmp_path / "a" / "figures").iterdir()] == ["history.png"]


def labels_dataset(y, x=None):
    import tensorflow as tf

    x = np.zeros((len(y), 8, 8, 1), "float32") if x is None else x
    return tf.data.Dataset.from_tensor_slices((x, np.asarray(y, "int32"))).batch(4)


@pytest.mark.parametrize("as_dataset", [False, True])
def test_labels_outside_the_classes_stop_before_training(tmp_path, as_dataset):
    y = (np.arange(12) + 10) % 12  # 10, 11, 0, 1, ...: a 10-class model has no 10 or 11
    data = labels_dataset(y) if as_dataset else (np.zeros((12, 8, 8, 1), "float32"), y)
    with pytest.raises(ValueError, match=r"class ids in 0\.\.9.*10, 11"):
        zoo.fit(small_cnn(), data, epochs=1, run_dir=tmp_path, verbose=0)
    assert not (tmp_path / "history.csv").exists()


def test_a_bad_label_in_a_later_batch_stops_with_words(tmp_path):
    y = np.zeros(12, "int32")
    y[-1] = 10  # the third batch
    with pytest.raises(ValueError, match=r"labels must be class ids in 0\.\.9"):
        zoo.fit(small_cnn(), labels_dataset(y), epochs=1, run_dir=tmp_path, verbose=0)


@pytest.mark.parametrize("where", [0, 11])
def test_inputs_that_are_not_finite_stop_with_words(tmp_path, where):
    x = np.zeros((12, 8, 8, 1), "float32")
    x[where, 2, 3] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        zoo.fit(small_cnn(), labels_dataset(np.zeros(12), x), epochs=1, run_dir=tmp_path, verbose=0)
    with pytest.raises(ValueError, match="1 values that are NaN or infinite"):
        zoo.fit(small_cnn(), (x, np.zeros(12, "int32")), epochs=1, run_dir=tmp_path, verbose=0)


def test_inputs_of_another_shape_stop_with_words(tmp_path):
    x = np.zeros((12, 28, 28, 1), "float32")
    with pytest.raises(ValueError, match=r"takes inputs of shape \(None, 8, 8, 1\).*28, 28, 1"):
        zoo.fit(small_cnn(), (x, np.zeros(12, "int32")), epochs=1, run_dir=tmp_path, verbose=0)


def test_a_loss_that_turns_nan_stops_naming_the_epoch(digits, tmp_path):
    train, test = digits

    class Diverge(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                kernel = self.model.get_layer("head").kernel
                kernel.assign(np.full(kernel.shape, np.nan, "float32"))

    with pytest.raises(FloatingPointError, match="became nan in epoch 3.*best.keras"):
        zoo.fit(
            small_cnn(),
            train.take(3),
            test.take(1),
            epochs=5,
            run_dir=tmp_path,
            callbacks=[Diverge()],
            verbose=0,
        )
    with open(tmp_path / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1"]  # not the NaN one
    best = keras.models.load_model(tmp_path / "best.keras")
    assert all(np.isfinite(w).all() for w in best.get_weights())


def test_the_pieces_of_fit_work_in_a_plain_keras_fit(digits, tmp_path):
    train, _ = digits
    model = small_cnn()
    lr = zoo.training.optimizers.schedule(
        "step", 0.1, epochs=2, steps_per_epoch=3, step_size=1, gamma=0.5
    )
    assert [float(lr(step)) for step in (0, 2, 3, 5)] == pytest.approx([0.1, 0.1, 0.05, 0.05])
    defaults = zoo.losses.compile_defaults(model)
    assert isinstance(defaults["loss"], keras.losses.SparseCategoricalCrossentropy)
    assert defaults["metrics"] == ["accuracy"]
    model.compile(optimizer=zoo.training.optimizers.optimizer("sgd", lr), **defaults)
    callbacks = zoo.callbacks.run_callbacks(
        tmp_path, monitor="loss", train=train.take(3), tensorboard=False
    )
    assert isinstance(callbacks[0], zoo.callbacks.StopOnNaN)  # first: before any logging
    history = model.fit(train.take(3), epochs=2, callbacks=callbacks, verbose=0)
    assert len(history.history["loss"]) == 2
    with open(tmp_path / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1"]
    assert keras.models.load_model(tmp_path / "best.keras").count_params() == model.count_params()


def test_compile_defaults_come_from_the_head():
    clock_model = zoo.build("clock_sincos", input_shape=(32, 32, 1), filters=(8,), dense_units=())
    assert isinstance(zoo.losses.compile_defaults(clock_model)["loss"], zoo.clock.ClockLoss)
    smoothed = zoo.losses.compile_defaults(small_cnn(), label_smoothing=0.1)["loss"]
    assert isinstance(smoothed, zoo.losses.CrossEntropy)
    with pytest.raises(ValueError, match="Did you mean 'adam'"):
        zoo.training.optimizers.optimizer("adan", 1e-3)
