"""COSC420 A1 (COSC420, Assignment 1) as its report states it: the layer tables (Tables 2,
6, 7 and 9) row by row, the training of Sections 2-4, Table 1's split sizes, the searches
of Tables 3-5 and Section 2.5 value by value, and one experiment per table in the script.

Shapes are Keras's (height, width, channels). A parameter count is PyTorch's for the
row's layer: ``k * k * in * out + out`` for a conv or transposed conv, ``in * out + out``
for a linear layer.
"""

import argparse
import importlib.util
import types
from pathlib import Path

import keras
import keras_tuner as kt
import numpy as np
import pytest
from conftest import optimizer_steps

import zoo
from tuning import hypermodel, spaces
from zoo.data import sources
from zoo.training import optimizers


def conv(k, c_in, c_out):
    return k * k * c_in * c_out + c_out


def trainable(layer) -> int:
    return sum(int(np.prod(w.shape)) for w in layer.trainable_weights)


#: Table 2, row by row: layer, output size, parameters (from the row's filters, kernel 3).
TABLE_2 = [
    ("conv1", (96, 96, 16), conv(3, 3, 16)),
    ("pool1", (48, 48, 16), 0),
    ("conv2", (48, 48, 32), conv(3, 16, 32)),
    ("pool2", (24, 24, 32), 0),
    ("conv3", (24, 24, 64), conv(3, 32, 64)),
    ("pool3", (12, 12, 64), 0),
    ("conv4", (12, 12, 128), conv(3, 64, 128)),
    ("pool4", (6, 6, 128), 0),
    ("conv5", (6, 6, 256), conv(3, 128, 256)),
    ("pool5", (3, 3, 256), 0),
    ("dense1", (128,), 3 * 3 * 256 * 128 + 128),
    ("dense2", (512,), 128 * 512 + 512),
]


@pytest.mark.parametrize("classes, total", [(10, 760_074), (102, 807_270)])
def test_cosc420_cnn_is_table_2_row_by_row(classes, total):
    model = zoo.build("cosc420_cnn", num_classes=classes)
    assert model.input_shape == (None, 96, 96, 3)
    for name, shape, parameters in [*TABLE_2, ("head", (classes,), 512 * classes + classes)]:
        layer = model.get_layer(name)
        assert tuple(layer.output.shape[1:]) == shape, name
        assert trainable(layer) == parameters, name
        if name.startswith("conv"):
            assert (layer.kernel_size, layer.strides, layer.padding) == ((3, 3), (1, 1), "same")
        if name.startswith("pool"):
            assert layer.pool_size == layer.strides == (2, 2)
    # Section 2.4's batch norm: after every conv and the first dense layer, which the
    # totals count (2 x 128 of the 1,248 trainable parameters past the table's rows).
    norms = [layer.name for layer in model.layers if "BatchNormalization" in type(layer).__name__]
    assert norms == ["conv1_bn", "conv2_bn", "conv3_bn", "conv4_bn", "conv5_bn", "dense1_bn"]
    assert trainable(model) == total


def test_table_3s_second_architecture_keeps_table_2s_shapes_with_twice_the_filters():
    model = zoo.build("cosc420_cnn", filters=(32, 64, 128, 256, 512))
    outputs = [tuple(model.get_layer(f"pool{i}").output.shape[1:]) for i in range(1, 6)]
    assert outputs == [(48, 48, 32), (24, 24, 64), (12, 12, 128), (6, 6, 256), (3, 3, 512)]
    assert trainable(model.get_layer("dense1")) == 3 * 3 * 512 * 128 + 128


#: Tables 6 and 7: layer, in channels, out channels, output size (kernel 3, stride 2).
TABLE_6 = [
    ("conv1", 3, 16, (48, 48, 16)),
    ("conv2", 16, 32, (24, 24, 32)),
    ("conv3", 32, 64, (12, 12, 64)),
]
TABLE_7 = [
    ("deconv1", 64, 32, (24, 24, 32)),
    ("deconv2", 32, 16, (48, 48, 16)),
    ("deconv3", 16, 3, (96, 96, 3)),
]


def test_cosc420_cae_is_tables_6_and_7_row_by_row():
    model = zoo.build("cosc420_cae")
    for part, table, kind in (
        ("encoder", TABLE_6, keras.layers.Conv2D),
        ("decoder", TABLE_7, keras.layers.Conv2DTranspose),
    ):
        network = model.get_layer(part)
        assert [layer.name for layer in network.layers[1:]] == [row[0] for row in table]
        for name, c_in, c_out, shape in table:
            layer = network.get_layer(name)
            assert isinstance(layer, kind), name
            assert tuple(layer.input.shape[-1:]) == (c_in,), name
            assert tuple(layer.output.shape[1:]) == shape, name
            assert (layer.kernel_size, layer.strides) == ((3, 3), (2, 2)), name
            assert trainable(layer) == conv(3, c_in, c_out), name
    assert model.get_layer("encoder").input_shape == (None, 96, 96, 3)
    assert trainable(model) == 47_107


#: Table 9: name, transposed, in channels, out channels, stride, output size (kernel 3);
#: a 2x2 max-pool has no channels. Table 9 spells the bottleneck "bottlenect".
TABLE_9 = [
    ("down1_1", False, 64, 128, 1, (12, 12, 128)),
    ("down1_2", False, 128, 128, 1, (12, 12, 128)),
    ("down1_3", False, 128, 128, 1, (12, 12, 128)),
    ("pool1", None, None, None, 2, (6, 6, 128)),
    ("down2_1", False, 128, 256, 1, (6, 6, 256)),
    ("down2_2", False, 256, 256, 1, (6, 6, 256)),
    ("down2_3", False, 256, 256, 1, (6, 6, 256)),
    ("pool2", None, None, None, 2, (3, 3, 256)),
    ("bottleneck1", False, 256, 512, 1, (3, 3, 512)),
    ("bottleneck2", False, 512, 1024, 1, (3, 3, 1024)),
    ("bottleneck3", False, 1024, 512, 1, (3, 3, 512)),
    ("bottleneck4", False, 512, 256, 1, (3, 3, 256)),
    ("up2_1", True, 256, 256, 2, (6, 6, 256)),
    ("up2_2", False, 256, 256, 1, (6, 6, 256)),
    ("up2_3", False, 256 + 256, 128, 1, (6, 6, 128)),
    ("up1_1", True, 128, 128, 2, (12, 12, 128)),
    ("up1_2", False, 128, 128, 1, (12, 12, 128)),
    ("up1_3", False, 128 + 128, 64, 1, (12, 12, 64)),
    ("output", False, 64, 64, 1, (12, 12, 64)),
]


def test_cosc420_unet_is_table_9_row_by_row():
    unet = zoo.build("cosc420_unet")
    assert unet.input_shape == (None, 12, 12, 64)
    for name, transposed, c_in, c_out, stride, shape in TABLE_9:
        layer = unet.get_layer(name)
        assert tuple(layer.output.shape[1:]) == shape, name
        if transposed is None:
            assert layer.pool_size == layer.strides == (2, 2), name
            continue
        assert isinstance(layer, keras.layers.Conv2DTranspose) == transposed, name
        assert tuple(layer.input.shape[-1:]) == (c_in,), name
        assert (layer.kernel_size, layer.strides) == ((3, 3), (stride, stride)), name
        assert trainable(layer) == conv(3, c_in, c_out), name
    # up2_3 and up1_3 take up2_2 with down2_3 and up1_2 with down1_3 (Section 4.2).
    assert [t.name for t in unet.get_layer("skip2").input] == [
        unet.get_layer("up2_2").output.name,
        unet.get_layer("down2_3").output.name,
    ]
    assert sum(conv(3, r[2], r[3]) for r in TABLE_9 if r[1] is not None) == 15_892_864
    assert trainable(unet) == 15_892_864


def test_presets_train_as_sections_2_to_4_say():
    cnn = zoo.get_preset("cosc420_cnn")
    assert dict(cnn.data) == {"batch_size": 128, "balance": True}  # Sections 2.3.1, 2.5.1
    assert dict(cnn.fit) == {  # Sections 2.4, 2.5.2-2.5.3 and Table 3's 50 epochs
        "optimizer": "adam_l2",
        "learning_rate": 1e-3,
        "weight_decay": 1e-3,
        "optimizer_options": {"epsilon": 1e-8},  # PyTorch's Adam's
        "epochs": 50,
        "precise_bn": None,  # PyTorch's moving batch-norm statistics
    }
    cae, unet = zoo.get_preset("cosc420_cae"), zoo.get_preset("cosc420_unet")
    assert (cae.batch_size, cae.fit["learning_rate"], cae.epochs) == (16, 1e-4, 150)
    assert (unet.batch_size, unet.fit["learning_rate"], unet.epochs) == (16, 1e-4, 1000)
    assert cae.fit["loss"] == unet.fit["loss"] == "mse"


def torch_adam(weights, gradient, steps, lr, weight_decay, eps, betas=(0.9, 0.999)):
    """``torch.optim.Adam``'s update, written out: the decay joins the gradient."""
    w, m, v = weights.astype(np.float64), 0.0, 0.0
    for t in range(1, steps + 1):
        g = gradient + weight_decay * w
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g**2
        w = w - lr * (m / (1 - betas[0] ** t)) / (np.sqrt(v / (1 - betas[1] ** t)) + eps)
    return w


def test_adam_l2_is_pytorchs_adam_with_weight_decay():
    weights = np.array([1.0, -2.0, 0.5, 3.0], np.float32)
    gradient = np.array([0.1, 0.0, -0.3, 0.02], np.float32)
    adam = optimizers.optimizer("adam_l2", 0.1, weight_decay=0.5, options={"epsilon": 1e-8})
    assert isinstance(adam, optimizers.AdamL2) and adam.weight_decay is None
    expected = torch_adam(weights, gradient, 3, lr=0.1, weight_decay=0.5, eps=1e-8)
    np.testing.assert_allclose(optimizer_steps(adam, weights, gradient, 3), expected, rtol=1e-5)
    decoupled = keras.optimizers.Adam(0.1, weight_decay=0.5, epsilon=1e-8)  # AdamW's decay
    assert np.abs(optimizer_steps(decoupled, weights, gradient, 3) - expected).max() > 0.05
    restored = optimizers.AdamL2.from_config(adam.get_config())
    assert (restored.l2, restored.epsilon) == (0.5, 1e-8)


def test_adam_l2_refuses_a_negative_decay():
    with pytest.raises(ValueError, match=r"Received: l2=-0\.1"):
        optimizers.AdamL2(l2=-0.1)


def test_large_train_splits_give_table_1s_counts():
    known = sources._KNOWN_SPLITS["oxford_flowers102"]
    sizes = {s: known[sources.tfds_split("oxford_flowers102", s, "large_train")] for s in known}
    assert sizes == {"train": 6149, "validation": 1020, "test": 1020}  # Table 1, fine
    assert sources.tfds_split("oxford_flowers102", "train[:90%]", "large_train") == "test[:90%]"
    assert sources.tfds_split("oxford_flowers102", "train", "tfds") == "train"


def test_a_split_layout_reads_its_tfds_split(data_dir, monkeypatch):
    monkeypatch.setitem(sources.SPLIT_LAYOUTS, "digits", {"swapped": {"train": "test"}})
    images, _ = zoo.evaluation.take_examples(
        zoo.data.load("digits", "train", splits="swapped", data_dir=data_dir, batch_size=512)
    )
    assert len(images) == 360  # digits' test split, not its 1,437 training images


def test_a_dataset_without_the_layout_is_refused(data_dir):
    with pytest.raises(ValueError, match=r"no split layout.*Received: splits='large_train'"):
        zoo.data.load("digits", splits="large_train", data_dir=data_dir)


def trial(space, **labels) -> tuple[zoo.Preset, keras.Model]:
    """The recipe and model of one setting of ``space`` (hp name -> label)."""
    model = hypermodel.ZooHyperModel(space)
    hp = kt.HyperParameters()
    model.declare(hp)
    for name, label in labels.items():
        hp.values[name] = label
    return model.recipe(hp), model


#: Table 5, row by row: label -> batch norm, weight decay, dropout (coarse, 50 epochs).
TABLE_5 = {
    "bn_wd0.001": (True, 1e-3, 0.0),  # its best, the preset's: the baseline
    "none": (False, 0.0, 0.0),
    "wd0.001": (False, 1e-3, 0.0),
    "bn": (True, 0.0, 0.0),
    "bn_wd0.001_dropout0.3": (True, 1e-3, 0.3),
    "bn_wd0.0005": (True, 5e-4, 0.0),
    "bn_wd0.005": (True, 5e-3, 0.0),
}


def test_the_regularisation_search_is_table_5_setting_by_setting():
    space = spaces.get("cosc420_regularisation")
    assert list(space.choices("regularisation")) == list(TABLE_5)
    assert space.size == len(TABLE_5)
    for label, (batch_norm, weight_decay, dropout) in TABLE_5.items():
        recipe, _ = trial(space, regularisation=label)
        assert recipe.model["batch_norm"] is batch_norm
        assert recipe.model["dense_batch_norm"] == (batch_norm, False)  # "N/A": none at all
        assert recipe.model["dense_dropout"] == dropout
        assert recipe.fit["weight_decay"] == weight_decay
        assert recipe.fit["optimizer"] == "adam_l2" and recipe.fit["epochs"] == 50
        assert recipe.data["balance"] is True and recipe.data["splits"] == "large_train"
        assert recipe.data["classes"] == tuple(range(10)) and recipe.data["image_size"] == (96, 96)
        assert recipe.model["num_classes"] == 10


def test_a_trial_without_batch_norm_has_no_batch_norm_layer():
    recipe, _ = trial("cosc420_regularisation", regularisation="none")
    model = recipe.build()
    assert not [layer for layer in model.layers if "BatchNorm" in type(layer).__name__]


def test_the_sweeps_are_tables_3_4_and_section_2_5_value_by_value():
    space = spaces.get("cosc420_sweeps")
    assert space.values == {
        "filters": [(16, 32, 64, 128, 256), (32, 64, 128, 256, 512)],
        "balance": [True, False],
        "batch_size": [128, 4, 16, 64, 256],
        "learning_rate": [1e-3, 5e-4, 5e-3],
    }
    recipe, _ = trial(space, filters="32-64-128-256-512", batch_size=4, learning_rate=5e-3)
    assert recipe.model["filters"] == (32, 64, 128, 256, 512)
    assert (recipe.data["batch_size"], recipe.fit["learning_rate"]) == (4, 5e-3)
    assert recipe.data["splits"] == "large_train" and recipe.fit["epochs"] == 50
    recipe, _ = trial(space, balance=False)
    assert recipe.data["balance"] is False and recipe.data["batch_size"] == 128


def load_script():
    path = Path(__file__).resolve().parents[1] / "examples" / "cosc420.py"
    spec = importlib.util.spec_from_file_location("example_cosc420_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_has_an_experiment_per_table_with_its_numbers():
    script = load_script()
    steps = [step.name for step in script.STEPS]
    assert steps == [
        "cnn",
        "wider",
        "softmax",
        "augmentation",
        "regularisation",
        "batch_size",
        "learning_rate",
        "cae",
        "unet",
    ]
    for name in steps:
        assert f"\n    {name} " in script.__doc__, name
    assert script.REFERENCE_ACCURACY == {"coarse": 0.81, "fine": 0.72}  # Table 3
    assert script.WIDER_FILTERS == (32, 64, 128, 256, 512)
    assert script.WIDER_ACCURACY == {"coarse": 0.83, "fine": 0.66}  # Table 3
    assert script.SOFTMAX_ACCURACY == 0.78  # Section 2.3
    assert script.AUGMENTATION == [(False, 0.66), (True, 0.81)]  # Table 4
    assert [row[:3] for row in script.REGULARISATION] == [
        (False, 0.0, 0.0),
        (False, 1e-3, 0.0),
        (True, 0.0, 0.0),
        (True, 1e-3, 0.0),
        (True, 1e-3, 0.3),
        (True, 5e-4, 0.0),
        (True, 5e-3, 0.0),
    ]  # Table 5
    assert [row[3] for row in script.REGULARISATION] == [0.66, 0.66, 0.80, 0.81, 0.76, 0.78, 0.81]
    assert list(script.BATCH_SIZES) == [4, 16, 64, 128, 256]  # Section 2.5.1
    assert script.LEARNING_RATES == {5e-4: 0.78, 1e-3: 0.81, 5e-3: 0.81}  # Section 2.5.2


@pytest.mark.parametrize(
    "dataset, asked, expected",
    [
        ("oxford_flowers102", None, "large_train"),
        ("oxford_flowers102", "tfds", "tfds"),
        ("digits", None, "tfds"),
    ],
)
def test_the_script_trains_on_table_1s_split_of_the_flowers(dataset, asked, expected):
    script = load_script()
    ctx = types.SimpleNamespace(
        args=argparse.Namespace(splits=asked), dataset=dataset, step=script.STEPS[0]
    )
    assert script.splits(ctx) == expected


def test_section_4s_problems_are_options_of_the_unet_step_defaulting_to_the_fixes():
    script = load_script()
    parser = argparse.ArgumentParser()
    script.unet_options(parser)
    fixed = parser.parse_args([])  # the report's final recipe
    assert (fixed.unclamped_noising, fixed.start_mean, fixed.train_images) == (False, 0.5, None)
    problems = parser.parse_args("--unclamped-noising --start-mean 0 --train-images 50".split())
    assert (problems.unclamped_noising, problems.start_mean, problems.train_images) == (
        True,
        0.0,
        50,
    )
    for figure in (9, 10, 11):
        assert f"# Figure {figure}" in script.__doc__
    with pytest.raises(ValueError, match="--train-images must be at least 1"):
        script.check_unet_options(parser.parse_args(["--train-images", "0"]))
