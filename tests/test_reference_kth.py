"""KTH P3 (KTH EQ2425 Project 3) as its report states it: the layer table of Figure 1,
the variants of Sections 3-4 in the report's order, its training and its data.

Shapes are Keras's (height, width, channels) where Figure 1 prints PyTorch's
[-1, channels, height, width].
"""

import keras
import keras_tuner as kt
import numpy as np
import pytest
import tensorflow_datasets as tfds

import zoo
from tuning import hypermodel, references, spaces
from zoo.training import rundir

#: Figure 1, row by row: layer, output shape, parameters.
FIGURE_1 = [
    ("Conv2d", (28, 28, 24), 1_824),
    ("ReLU", (28, 28, 24), 0),
    ("MaxPool2d", (14, 14, 24), 0),
    ("Conv2d", (12, 12, 48), 10_416),
    ("ReLU", (12, 12, 48), 0),
    ("MaxPool2d", (6, 6, 48), 0),
    ("Conv2d", (4, 4, 96), 41_568),  # no ReLU: Conv2d-7 goes straight to MaxPool2d-8
    ("MaxPool2d", (2, 2, 96), 0),
    ("Flatten", (384,), 0),
    ("Linear", (512,), 197_120),
    ("ReLU", (512,), 0),
    ("Linear", (10,), 5_130),  # logits: the softmax is inside CrossEntropyLoss
]
TORCH_NAMES = {
    keras.layers.Conv2D: "Conv2d",
    keras.layers.MaxPooling2D: "MaxPool2d",
    keras.layers.Flatten: "Flatten",
    keras.layers.Dense: "Linear",
    keras.layers.LeakyReLU: "LeakyReLU",
    keras.layers.BatchNormalization: "BatchNorm",
    keras.layers.Dropout: "Dropout",
}
ACTIVATIONS = {"relu": "ReLU", "leaky_relu": "LeakyReLU"}


def trainable(layer) -> int:
    return sum(int(np.prod(w.shape)) for w in layer.trainable_weights)


def rows(model) -> list[tuple]:
    """The model as Figure 1 lists a network: an activation computed inside a Conv2D or
    Dense is a row of its own, as PyTorch's separate ReLU module is; the head's softmax
    is not a row (the reference's loss holds it)."""
    found = []
    for layer in model.layers[1:]:
        shape = tuple(layer.output.shape[1:])
        if isinstance(layer, keras.layers.Activation):
            found.append((ACTIVATIONS[layer.activation.__name__], shape, 0))
            continue
        kind = next(name for cls, name in TORCH_NAMES.items() if isinstance(layer, cls))
        found.append((kind, shape, trainable(layer)))
        inside = getattr(layer, "activation", None)
        if inside is not None and inside.__name__ in ACTIVATIONS:
            found.append((ACTIVATIONS[inside.__name__], shape, 0))
    return found


def test_kth_cnn_is_figure_1_row_by_row():
    model = zoo.build("kth_cnn")
    assert rows(model) == FIGURE_1
    assert model.count_params() == 256_058


def test_kth_cnn_best_is_section_4s_network():
    """64/128/256 filters, kernels 5, 3, 3, leaky ReLU for every activation, batch norm
    after each activation (the third conv has none), dropout 0.3 between the linear layers."""
    model = zoo.build("kth_cnn_best")
    assert rows(model) == [
        ("Conv2d", (28, 28, 64), 3 * 5 * 5 * 64 + 64),
        ("LeakyReLU", (28, 28, 64), 0),
        ("BatchNorm", (28, 28, 64), 2 * 64),
        ("MaxPool2d", (14, 14, 64), 0),
        ("Conv2d", (12, 12, 128), 64 * 3 * 3 * 128 + 128),
        ("LeakyReLU", (12, 12, 128), 0),
        ("BatchNorm", (12, 12, 128), 2 * 128),
        ("MaxPool2d", (6, 6, 128), 0),
        ("Conv2d", (4, 4, 256), 128 * 3 * 3 * 256 + 256),
        ("MaxPool2d", (2, 2, 256), 0),
        ("Flatten", (1024,), 0),
        ("Linear", (512,), 1024 * 512 + 512),
        ("LeakyReLU", (512,), 0),
        ("BatchNorm", (512,), 2 * 512),
        ("Dropout", (512,), 0),
        ("Linear", (10,), 512 * 10 + 10),
    ]
    assert {
        lay.negative_slope for lay in model.layers if isinstance(lay, keras.layers.LeakyReLU)
    } == {0.01}  # PyTorch's LeakyReLU default; the reference names no slope
    assert model.get_layer("dense1_dropout").rate == 0.3


# Sections 3-4 in order: each variant's options over the default (the changes it builds
# on included), and the report's average top-1 recall.
BEST_NETWORK = {"filters": (64, 128, 256), "activation": "leaky_relu", "dense_dropout": 0.3}
BEST_NETWORK_BN = {**BEST_NETWORK, "batch_norm": (True, True, False), "dense_batch_norm": True}
SECTIONS_3_4 = [
    ("default", {}, 0.6932),
    ("filters_64_128_256", {"filters": (64, 128, 256)}, 0.7146),
    ("extra_dense_128", {"filters": (64, 128, 256), "dense_units": (512, 128)}, 0.7018),
    ("kernels_7_5_3", {"filters": (64, 128, 256), "kernel_size": (7, 5, 3)}, 0.7003),
    ("leaky_relu", {"filters": (64, 128, 256), "activation": "leaky_relu"}, 0.7199),
    ("dropout_0.3", BEST_NETWORK, 0.7358),
    ("batch_norm", BEST_NETWORK_BN, 0.7487),
    ("batch_size_256", {**BEST_NETWORK_BN, "batch_size": 256}, 0.7236),
    ("learning_rate_0.1", {**BEST_NETWORK_BN, "learning_rate": 0.1}, 0.7391),
    ("shuffling", {**BEST_NETWORK_BN, "shuffle": True}, 0.7479),
]


def test_kth_variants_is_the_reports_sequence_value_by_value():
    space = spaces.get("kth_variants")
    assert list(space.choices("variant")) == [name for name, _, _ in SECTIONS_3_4]
    assert space.size == space.oneatatime_size == len(SECTIONS_3_4)
    for name, options, _ in SECTIONS_3_4:
        builder, data, fit = hypermodel.split_options(space, {"variant": name})
        assert {**builder, **data, **fit} == options, name
        assert set(data) <= {"batch_size", "shuffle"} and set(fit) <= {"learning_rate"}, name
    assert [(v[0], v[3]) for v in references.KTH_VARIANTS] == [
        (name, recall) for name, _, recall in SECTIONS_3_4
    ]


def test_a_search_trial_trains_the_variant_with_the_reports_recipe():
    model = hypermodel.ZooHyperModel("kth_variants", dataset="cifar10")
    recipes = {name: trial_recipe(model, name) for name, _, _ in SECTIONS_3_4}
    default = recipes["default"]
    assert default.data == {
        "batch_size": 64,
        "normalize": "centered",
        "shuffle": False,
        "validation": 0,
    }
    assert default.fit == {
        "optimizer": "sgd",
        "learning_rate": 1e-3,
        "momentum": 0.0,
        "epochs": 300,
        "precise_bn": None,  # PyTorch's moving batch-norm statistics
        "tensorboard": False,
        "verbose": 0,
        "seed": 0,
    }
    assert recipes["batch_size_256"].data["batch_size"] == 256
    assert recipes["learning_rate_0.1"].fit["learning_rate"] == 0.1
    assert recipes["shuffling"].data["shuffle"] is True
    best = zoo.get_preset("kth_cnn_best")
    assert dict(recipes["batch_norm"].model) == dict(best.model)
    assert recipes["batch_norm"].data == best.data and recipes["batch_norm"].fit == {
        **best.fit,
        "tensorboard": False,
        "verbose": 0,
        "seed": 0,
    }


def trial_recipe(model, variant):
    """The recipe of the trial a tuner runs for ``variant``."""
    hp = kt.HyperParameters()
    model.declare(hp)
    hp.values["variant"] = variant
    return model.recipe(hp)


@pytest.mark.parametrize("name", ["kth_cnn", "kth_cnn_best"])
def test_presets_carry_the_reports_training_and_data(name):
    """Section 2.2: SGD (PyTorch's plain SGD: no momentum), learning rate 0.001, batch 64,
    300 epochs; Section 1: inputs in [-0.5, 0.5], all 50,000 training examples (no
    validation split); a PyTorch DataLoader does not shuffle."""
    preset = zoo.get_preset(name)
    assert preset.fit == {
        "optimizer": "sgd",
        "learning_rate": 1e-3,
        "momentum": 0.0,
        "epochs": 300,
        "precise_bn": None,  # PyTorch's moving batch-norm statistics
    }
    assert preset.data == {
        "batch_size": 64,
        "normalize": "centered",
        "shuffle": False,
        "validation": 0,
    }


def test_zoo_fit_compiles_the_presets_plain_sgd(tmp_path):
    preset = zoo.get_preset("kth_cnn").merge(fit={"epochs": 1})
    model = preset.build()
    x = np.zeros((4, 32, 32, 3), "float32")
    y = np.arange(4)
    zoo.fit(
        model,
        (x, y),
        run_dir=tmp_path,
        checkpoint=False,
        tensorboard=False,
        verbose=0,
        **preset.fit,
    )
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)
    assert model.optimizer.momentum == 0.0 and not model.optimizer.nesterov


def test_sgd_defaults_to_plain_sgd_as_keras_and_pytorch(tmp_path):
    assert zoo.training.optimizers.optimizer("sgd", 0.1).momentum == 0.0
    model = zoo.build("mlp", input_shape=(4, 4, 1), hidden_units=(4,))
    x, y = np.zeros((4, 4, 4, 1), "float32"), np.arange(4)
    zoo.fit(
        model,
        (x, y),
        optimizer="sgd",
        epochs=1,
        run_dir=tmp_path,
        checkpoint=False,
        tensorboard=False,
        verbose=0,
    )
    assert model.optimizer.momentum == 0.0


def test_preset_data_scales_to_centered_and_keeps_the_order():
    data = zoo.get_preset("kth_cnn").data
    with tfds.testing.mock_data(num_examples=16):
        train = zoo.data.load("cifar10", "train", **{**data, "batch_size": 16})
        first, second = (np.concatenate([y for _, y in train.as_numpy_iterator()]) for _ in "ab")
        images = np.concatenate([x for x, _ in train.as_numpy_iterator()])
    assert images.min() >= -0.5 and images.max() <= 0.5 and images.min() < 0 < images.max()
    np.testing.assert_array_equal(first, second)  # no shuffling: every epoch the same order


def test_runs_train_on_all_50000_training_examples_but_a_search_scores_on_held_out_ones():
    """Section 1: no validation split, so load_splits gives none; a search's trials are
    scored on validation accuracy, never the test split's, so it holds out 0.1."""
    data = {**zoo.get_preset("kth_cnn").data, "batch_size": 4}
    model = hypermodel.ZooHyperModel("kth_variants", dataset="cifar10")
    with tfds.testing.mock_data(num_examples=20):
        train, val, _ = zoo.data.load_splits("cifar10", **data)
        assert val is None and sum(len(y) for _, y in train) == 20
        _, val = model.load(**data)  # (tfds's mock data does not slice train)
        assert val is not None and next(iter(val))[0].shape[1:] == (32, 32, 3)
    assert hypermodel.SEARCH_VALIDATION == 0.1


def test_histories_of_runs_without_validation_data_plot(tmp_path):
    """Keras's CSVLogger writes val_ columns of NA for a run without validation data."""
    path = tmp_path / "history.csv"
    path.write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.1,2.3,NA,NA\n1,0.2,2.1,NA,NA\n")
    history = rundir.read_history(path)
    assert history == {"epoch": [0.0, 1.0], "accuracy": [0.1, 0.2], "loss": [2.3, 2.1]}
    zoo.plots.plot_histories({"default": history}, tmp_path / "loss.png")
    assert (tmp_path / "loss.png").exists()


def test_builder_defaults_are_unchanged():
    model = zoo.build("cnn", batch_norm=True)
    names = [lay.name for lay in model.layers]
    assert names.index("conv2_bn") < names.index("conv2_act")  # BN before the activation
    assert "conv2_act" in names  # the last conv keeps its activation


def test_bad_batch_norm_position_fails_before_building():
    with pytest.raises(ValueError, match="Received: batch_norm_position='after'"):
        zoo.build("cnn", batch_norm=True, batch_norm_position="after")
