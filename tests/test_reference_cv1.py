"""CV1 (reference 001, UvA Computer Vision 1 lab): its models, recipes and search spaces
against the reference's text, value by value (section, table and figure numbers beside
each value)."""

import importlib.util
from pathlib import Path

import keras
import keras_tuner as kt
import numpy as np
import pytest
from conftest import optimizer_steps

import tuning
import zoo
from tuning import hypermodel, spaces

ROOT = Path(__file__).resolve().parents[1]

# Section 1.2 and Figure 1: LeNet-5's three 5x5 convolutions and two dense layers on a
# 32x32x3 CIFAR-100 image. F6's 10,164 is the reference's; the others follow from it.
LENET5_LAYERS = [
    ("conv1", (28, 28, 6), 456),
    ("pool1", (14, 14, 6), 0),
    ("conv2", (10, 10, 16), 2_416),
    ("pool2", (5, 5, 16), 0),
    ("conv3", (1, 1, 120), 48_120),
    ("dense1", (84,), 10_164),  # F6: 120 x 84 + 84
    ("head", (100,), 8_500),
]
# Section 1.1: 3x32x32 inputs, one hidden layer of 1024, 100 outputs; Section 1.7: the
# tuned MLP adds two 1024 -> 1024 layers.
MLP_LAYERS = [("dense1", (1024,), 3_146_752), ("head", (100,), 102_500)]
MLP_TUNED_LAYERS = [
    ("dense1", (1024,), 3_146_752),
    ("dense2", (1024,), 1_049_600),
    ("dense3", (1024,), 1_049_600),
    ("head", (100,), 102_500),
]
# Table 1's baseline, for both models: AdamW at 1e-3, weight decay 1.0, 100 epochs,
# batch 512, Normalize to [-1, 1] (Section 1.6); epsilon is PyTorch's default.
BASELINE_FIT = {
    "optimizer": "adamw",
    "learning_rate": 1e-3,
    "weight_decay": 1.0,
    "optimizer_options": {"epsilon": 1e-8},
    "epochs": 100,
    "precise_bn": None,  # PyTorch's moving batch-norm statistics
}
# No validation split: the lab trains on CIFAR-100's whole train split and tests on its test.
BASELINE_DATA = {
    "batch_size": 512,
    "normalize": "standardize",
    "mean": 0.5,
    "std": 0.5,
    "validation": 0,
}
# Keras's rotation factor is a fraction of a full turn; torchvision fills with 0 and takes
# the nearest pixel where Keras reflects and interpolates.
TEN_DEGREES = {"factor": 10 / 360, "fill_mode": "constant", "interpolation": "nearest"}

# Table 1's tuning values, baseline first, and Table 2's optimizer settings.
SHARED_VALUES = {
    "learning_rate": [1e-3, 1e-2, 1e-4],
    "batch_size": [512, 32, 64, 128, 256, 1024],
    "epochs": [100, 10, 50, 200, 500],
    "weight_decay": [1.0, 0.8, 0.6, 0.4, 0.2, 0.01],
    "augment": {
        "normalize": {"augment": None},
        "flip": {"augment": "flip"},
        "rotation": {"augment": {"rotation": TEN_DEGREES}},
        "color_jitter": {"augment": "color_jitter"},
    },
    "optimizer": {
        "adamw": {"optimizer": "adamw"},
        "sgd": {
            "optimizer": "sgd_l2",
            "learning_rate": 1e-3,
            "momentum": 0.9,
            "weight_decay": 1e-2,
            "optimizer_options": {},
        },
        "rmsprop": {
            "optimizer": "rmsprop_l2",
            "learning_rate": 1e-3,
            "weight_decay": 1e-2,
            "optimizer_options": {"rho": 0.99, "epsilon": 1e-8},  # alpha, eps
        },
    },
}
SPACES = {
    "cv1_oneatatime": {
        **SHARED_VALUES,
        "activation": {
            "sigmoid_tanh": {"activation": "tanh", "pool_activation": "sigmoid"},
            "relu": {"activation": "relu", "pool_activation": None},
        },
    },
    "cv1_mlp_oneatatime": {
        **SHARED_VALUES,
        "extra_layers": {
            "false": {"hidden_units": (1024,)},
            "true": {"hidden_units": (1024, 1024, 1024)},
        },
    },
}


def check_layers(model, expected):
    for name, shape, count in expected:
        layer = model.get_layer(name)
        assert layer.output.shape[1:] == shape, name
        assert layer.count_params() == count, name


def test_lenet5_layers_match_section_1_2():
    model = zoo.build("lenet5")
    check_layers(model, LENET5_LAYERS)
    assert model.count_params() == 69_656


def test_lenet5_is_sigmoid_and_tanh():
    """Table 1: "Sigmoid & Tanh (LeNet-5)": tanh in C1, C3, C5 and F6, sigmoid after the
    S2 and S4 subsampling, as in Lecun et al. (1998)."""
    model = zoo.build("lenet5")
    for name in ("conv1", "conv2", "conv3", "dense1"):
        assert model.get_layer(name).activation.__name__ == "tanh", name
    for name in ("pool1_act", "pool2_act"):
        assert model.get_layer(name).activation.__name__ == "sigmoid", name


def test_mlp_layers_match_sections_1_1_and_1_7():
    check_layers(zoo.build("cv1_mlp"), MLP_LAYERS)
    check_layers(zoo.build("cv1_mlp_tuned"), MLP_TUNED_LAYERS)
    tuned = zoo.build("cv1_mlp_tuned")
    for name in ("dense1", "dense2", "dense3"):
        assert tuned.get_layer(name).activation.__name__ == "relu", name


@pytest.mark.parametrize("name", ["lenet5", "cv1_mlp"])
def test_baseline_recipes_are_table_1s(name):
    preset = zoo.get_preset(name)
    assert dict(preset.fit) == BASELINE_FIT
    assert dict(preset.data) == BASELINE_DATA


def test_tuned_mlp_recipe_is_section_1_8s():
    preset = zoo.get_preset("cv1_mlp_tuned")
    fit = {**BASELINE_FIT, "learning_rate": 1e-4, "weight_decay": 0.8}  # AdamW, 100 epochs
    assert dict(preset.fit) == fit
    augment = {"flip": None, "rotation": TEN_DEGREES, "random_resized_crop": None}
    data = {"batch_size": 64, "normalize": "unit", "augment": augment, "validation": 0}
    assert dict(preset.data) == data


@pytest.mark.parametrize("name", ["cv1_mlp", "cv1_mlp_tuned", "lenet5"])
def test_presets_train_on_the_whole_train_split(name):
    """The lab holds no validation split out of CIFAR-100's train split."""
    assert zoo.get_preset(name).data["validation"] == 0


def test_normalize_maps_pixels_to_minus_one_to_one(data_dir):
    """Section 1.6: zero mean, values in [-1, 1], as PyTorch's Normalize(0.5, 0.5)."""
    options = {k: v for k, v in BASELINE_DATA.items() if k != "batch_size"}
    load = dict(split="test", data_dir=data_dir)
    raw, _ = next(iter(zoo.data.load("digits", normalize=None, **load)))
    images, _ = next(iter(zoo.data.load("digits", **options, **load)))
    np.testing.assert_allclose(np.asarray(images), np.asarray(raw) / 127.5 - 1, atol=1e-6)


@pytest.mark.parametrize("name", list(SPACES))
def test_search_space_is_tables_1_and_2(name):
    space = spaces.get(name)
    expected = SPACES[name]
    assert list(space.values) == list(expected)
    for hp, values in expected.items():
        choices = space.choices(hp)  # label -> value, baseline first
        if isinstance(values, dict):
            assert list(choices) == list(values), hp
            assert choices == values, hp
        else:
            assert list(choices.values()) == values, hp
        assert space.baseline_label(hp) == next(iter(choices)), hp
    assert space.oneatatime_size == 23
    tuning.check_space(space)


@pytest.mark.parametrize("name", list(SPACES))
@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop"])
def test_optimizer_trials_use_table_2_not_the_baseline(name, optimizer):
    """The SGD and RMSProp trials keep none of the baseline's weight decay (1.0) or
    AdamW options: a trial is the preset's recipe with the trial's values merged in."""
    model = hypermodel.ZooHyperModel(name, dataset="digits")
    hp = kt.HyperParameters()
    model.declare(hp)
    hp.values["optimizer"] = optimizer
    fit = model.recipe(hp).fit
    for option, value in SHARED_VALUES["optimizer"][optimizer].items():
        assert fit[option] == value, option


def test_rmsprop_trial_builds_pytorchs_rmsprop(tmp_path):
    """Table 2's RMSProp reaches Keras as rho 0.99, epsilon 1e-8, weight decay 1e-2."""
    setting = SHARED_VALUES["optimizer"]["rmsprop"]
    model = zoo.build("mlp", input_shape=(4, 4, 1), num_classes=2, hidden_units=(4,))
    x, y = np.zeros((8, 4, 4, 1), "float32"), np.arange(8) % 2
    zoo.fit(
        model,
        (x, y),
        epochs=1,
        run_dir=tmp_path,
        checkpoint=False,
        tensorboard=False,
        verbose=0,
        **setting,
    )
    assert isinstance(model.optimizer, zoo.training.optimizers.RMSpropL2)
    config = model.optimizer.get_config()
    assert (config["rho"], config["epsilon"], config["l2"]) == (0.99, 1e-8, 1e-2)
    assert config["weight_decay"] is None  # not Keras's decoupled decay


WEIGHTS = np.array([1.0, -2.0, 0.5, 3.0], np.float32)
GRADIENT = np.array([0.1, 0.0, -0.3, 0.02], np.float32)


def keras_steps(optimizer, steps=3):
    return optimizer_steps(optimizer, WEIGHTS, GRADIENT, steps)


def torch_sgd(lr, momentum, weight_decay, steps=3):
    """``torch.optim.SGD``'s update, written out: the decay joins the gradient."""
    w, buffer = WEIGHTS.astype(np.float64), None
    for _ in range(steps):
        g = GRADIENT + weight_decay * w
        buffer = g if buffer is None else momentum * buffer + g
        w = w - lr * buffer
    return w


def torch_rmsprop(lr, alpha, eps, weight_decay, steps=3):
    """``torch.optim.RMSprop``'s update, written out: eps outside the root."""
    w, square_avg = WEIGHTS.astype(np.float64), 0.0
    for _ in range(steps):
        g = GRADIENT + weight_decay * w
        square_avg = alpha * square_avg + (1 - alpha) * g**2
        w = w - lr * g / (np.sqrt(square_avg) + eps)
    return w


def test_table_2s_sgd_and_rmsprop_step_as_pytorchs():
    make = zoo.training.optimizers.optimizer
    sgd = make("sgd_l2", 0.1, momentum=0.9, weight_decay=0.5)
    np.testing.assert_allclose(keras_steps(sgd), torch_sgd(0.1, 0.9, 0.5), rtol=1e-5)
    rmsprop = make("rmsprop_l2", 0.01, weight_decay=0.5, options={"rho": 0.99, "epsilon": 1e-8})
    expected = torch_rmsprop(0.01, 0.99, 1e-8, 0.5)
    np.testing.assert_allclose(keras_steps(rmsprop), expected, rtol=1e-5)
    # Keras's own, with its decoupled decay and eps under the root, steps elsewhere.
    stock = keras.optimizers.RMSprop(0.01, rho=0.99, epsilon=1e-8, weight_decay=0.5)
    assert np.abs(keras_steps(stock) - expected).max() > 0.01


def test_bad_options_say_what_was_received():
    with pytest.raises(ValueError, match="SGD takes no epsilon.*Received: "):
        zoo.training.optimizers.optimizer("sgd", 1e-3, options={"epsilon": 1e-8})
    with pytest.raises(ValueError, match="pool_activation.*Received: pool_activation='sigmod'"):
        zoo.build("lenet5", pool_activation="sigmod")


def load_cv1_script():
    spec = importlib.util.spec_from_file_location("example_cv1", ROOT / "examples" / "cv1.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tuned_cnn_settings_are_section_1_8s():
    cv1 = load_cv1_script()
    fit = cv1.tuned_fit()
    assert fit["optimizer"] == "sgd_l2" and fit["momentum"] == 0.9  # said, not zoo.fit's default
    assert (fit["learning_rate"], fit["weight_decay"]) == (3e-3, 1e-3)
    assert (fit["schedule"], fit["step_size"], fit["gamma"]) == ("step", 10, 0.5)
    assert cv1.TUNED_AUGMENT == {"flip": None, "rotation": TEN_DEGREES, "color_jitter": None}
    assert cv1.TUNED_BATCH == 64
    assert cv1.TUNED_CNN["dense_dropout"] == 0.55 and cv1.TUNED_CNN["activation"] == "relu"
    assert cv1.TUNED_CNN["pool_activation"] is None
    assert cv1.DECAY_GAMMAS["medium"] == 0.5  # Figure 4's medium decay is the tuned one
    assert cv1.REFERENCE_METRICS["mlp_tuned"] == (0.2563, 0.2637, 0.2563, 0.2506)  # Table 3
