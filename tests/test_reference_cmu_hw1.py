"""CMU HW1 (CMU 18-794, HW1, PyTorch) as its script builds it: the fully connected net of
linear layers only, the test loss after every epoch, and Part 3's ablations."""

import csv

import keras
import numpy as np
import pytest
import tensorflow as tf
from test_examples import load_script

import zoo

SCRIPT = load_script("cmu_hw1")


def cifar_model(name):
    options = {**SCRIPT.CIFAR_OPTIONS[name], "output_activation": None}
    family = {row[0]: row[1] for row in SCRIPT.CIFAR_MODELS}[name]
    return zoo.build(family, input_shape=(32, 32, 3), num_classes=100, **options)


def test_the_fully_connected_net_is_linear_layers_only():
    """Part 2: "For Deep Fully Connected Neural Network architecture, you are expected to
    use linear layers only"."""
    model = cifar_model("fcn")
    table = [
        (type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
        for layer in model.layers[1:]
    ]
    assert table == [
        ("Flatten", (3072,), 0),
        ("Dense", (1024,), 3_146_752),
        ("Dense", (512,), 524_800),
        ("Dense", (256,), 131_328),
        ("Dense", (100,), 25_700),
    ]


def test_batch_norm_and_dropout_are_a_named_zoo_row():
    kinds = {type(layer).__name__ for layer in cifar_model("fcn_bn_dropout").layers}
    assert {"BatchNormalization", "Dropout"} <= kinds
    references = {row[0]: row[3] for row in SCRIPT.CIFAR_MODELS}
    assert references == {"fcn": 0.3172, "fcn_bn_dropout": None, "cnn": 0.4496}


def test_cifar_training_is_pytorchs_adamw():
    assert SCRIPT.CIFAR_FIT == {
        "optimizer": "adamw",
        "learning_rate": 1e-3,
        "weight_decay": 0.01,
        "optimizer_options": {"epsilon": 1e-8},
        "precise_bn": None,  # PyTorch's moving batch-norm statistics
    }


def test_the_test_loss_is_logged_after_every_epoch(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)).astype("float32"), rng.integers(0, 3, 64)
    x_test, y_test = rng.normal(size=(32, 4)).astype("float32"), rng.integers(0, 3, 32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    log = tmp_path / "test_history.csv"
    test = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(16)
    callbacks = [SCRIPT.TestLoss(test), keras.callbacks.CSVLogger(str(log))]
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=callbacks)
    with open(log, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    assert history.history["test_loss"] == pytest.approx([float(r["test_loss"]) for r in rows])
    final = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    assert float(rows[-1]["test_loss"]) == pytest.approx(final["loss"], rel=1e-5)
    assert float(rows[-1]["test_accuracy"]) == pytest.approx(final["accuracy"])
    assert history.history["loss"] != history.history["test_loss"]


def test_part_3_has_at_least_three_ablations_of_one_change_each():
    """Part 3: "Quantitative results expected for at least 3 ablation studies"."""
    rows = {name: (model, fit) for name, model, fit in SCRIPT.ABLATIONS}
    assert rows.pop("resnet20") == ({}, {})
    assert len(rows) >= 3
    preset = zoo.get_preset("resnet20")
    model_defaults, fit_defaults = zoo.describe("resnet20"), dict(preset.fit)
    for name, (model, fit) in rows.items():
        preset.merge(model=model, fit=fit)  # options the builder and zoo.fit take
        changed = {k for k, v in model.items() if model_defaults[k] != v}
        changed |= {k for k, v in fit.items() if fit_defaults.get(k) != v}
        assert changed, name
        if "widths" in model or "depth" in model:  # whole blocks per stage
            depth, stages = model.get("depth", 20), len(model.get("widths", (16, 32, 64)))
            assert (depth - 2) % (2 * stages) == 0, name


def test_every_part_is_a_subcommand():
    steps = [step.name for step in SCRIPT.STEPS]
    assert steps == ["mnist", "cifar100", "resnet", "ablations"]
    for step in steps:
        assert f"cmu_hw1.py {step}" in SCRIPT.__doc__
    assert {name: target for name, _, _, target in SCRIPT.MNIST_MODELS} == {
        "fcn": 0.90,
        "cnn": 0.98,
    }
