"""IDL A2 (Leiden Intro to DL, assignment 2, Keras) as the zoo builds it: the models of its
tables layer by layer, its searches value by value, its clock framings and its script."""

import math

import keras
import numpy as np
import pytest
from test_examples import load_script

import tuning
import zoo
from tuning import hypermodel, spaces
from zoo import clock

# Keras's model.summary() of its mnist_mlp.py and mnist_cnn.py examples (Table 1), and the
# models of Tables 2-8: (layer, output shape without the batch, parameters).
LAYERS = {
    "keras_mnist_mlp": [  # 669,706
        ("flatten", (784,), 0),
        ("dense1", (512,), 401_920),
        ("dense1_dropout", (512,), 0),
        ("dense2", (512,), 262_656),
        ("dense2_dropout", (512,), 0),
        ("head", (10,), 5_130),
    ],
    "keras_mnist_cnn": [  # 1,199,882
        ("conv1", (26, 26, 32), 320),
        ("conv2", (24, 24, 64), 18_496),
        ("pool2", (12, 12, 64), 0),
        ("conv2_dropout", (12, 12, 64), 0),
        ("flatten", (9216,), 0),
        ("dense1", (128,), 1_179_776),
        ("dense1_dropout", (128,), 0),
        ("head", (10,), 1_290),
    ],
    "idl_fmnist_mlp": [  # Table 4, top 1: #units (512, 10), one dropout layer at 0.3
        ("flatten", (784,), 0),
        ("dense1", (512,), 401_920),
        ("dense1_dropout", (512,), 0),
        ("head", (10,), 5_130),
    ],
    "idl_baseline_mlp": [  # the Baseline of Tables 2 and 8: the textbook's 300-100 MLP
        ("flatten", (784,), 0),
        ("dense1", (300,), 235_500),
        ("dense2", (100,), 30_100),
        ("head", (10,), 1_010),
    ],
    "idl_fmnist_cnn": [  # Table 7: five Conv2D layers, (32, 64, 64, 128, 128) filters
        ("conv1", (28, 28, 32), 1_600),
        ("pool1", (14, 14, 32), 0),
        ("conv2", (14, 14, 64), 18_496),
        ("conv3", (14, 14, 64), 36_928),
        ("pool3", (7, 7, 64), 0),
        ("conv4", (7, 7, 128), 73_856),
        ("conv5", (7, 7, 128), 147_584),
        ("pool5", (3, 3, 128), 0),
        ("flatten", (1152,), 0),
        ("dense1", (128,), 147_584),
        ("dense1_dropout", (128,), 0),
        ("dense2", (64,), 8_256),
        ("dense2_dropout", (64,), 0),
        ("head", (10,), 650),
    ],
    "idl_baseline_cnn": [  # the Baseline of Tables 5 and 8: (64, 128, 128, 256, 256)
        ("conv1", (28, 28, 64), 3_200),
        ("pool1", (14, 14, 64), 0),
        ("conv2", (14, 14, 128), 73_856),
        ("conv3", (14, 14, 128), 147_584),
        ("pool3", (7, 7, 128), 0),
        ("conv4", (7, 7, 256), 295_168),
        ("conv5", (7, 7, 256), 590_080),
        ("pool5", (3, 3, 256), 0),
        ("flatten", (2304,), 0),
        ("dense1", (128,), 295_040),
        ("dense1_dropout", (128,), 0),
        ("dense2", (64,), 8_256),
        ("dense2_dropout", (64,), 0),
        ("head", (10,), 650),
    ],
}
TOTALS = {
    "keras_mnist_mlp": 669_706,
    "keras_mnist_cnn": 1_199_882,
    "idl_fmnist_mlp": 407_050,
    "idl_baseline_mlp": 266_610,
    "idl_fmnist_cnn": 434_954,
    "idl_baseline_cnn": 1_413_834,
}


def layer_table(model):
    return [
        (layer.name, tuple(layer.output.shape[1:]), layer.count_params())
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]


@pytest.mark.parametrize("name", LAYERS)
def test_each_layer_has_the_references_shape_and_parameters(name):
    model = zoo.build(name)
    assert layer_table(model) == LAYERS[name]
    assert model.count_params() == TOTALS[name]


def test_dropout_rates_are_the_references():
    rates = {
        name: [layer.rate for layer in zoo.build(name).layers if hasattr(layer, "rate")]
        for name in LAYERS
    }
    assert rates == {
        "keras_mnist_mlp": [0.2, 0.2],
        "keras_mnist_cnn": [0.25, 0.5],
        "idl_fmnist_mlp": [0.3],  # Table 4, top 1
        "idl_baseline_mlp": [],
        "idl_fmnist_cnn": [0.1, 0.1],  # Table 7, top 1
        "idl_baseline_cnn": [0.5, 0.5],
    }


def test_table_8s_new_best_models_build_as_the_reference_describes():
    mlp = zoo.build(
        "idl_fmnist_mlp", input_shape=(32, 32, 3), hidden_units=(512, 128, 32), dropout=0.1
    )
    dense = [layer.units for layer in mlp.layers if isinstance(layer, keras.layers.Dense)]
    assert dense == [512, 128, 32, 10]  # #units (512, 128, 32, 10)
    assert [layer.rate for layer in mlp.layers if hasattr(layer, "rate")] == [0.1] * 3
    cnn = zoo.build("idl_fmnist_cnn", input_shape=(32, 32, 3), filters=(64, 128, 128, 256, 256))
    convs = [layer.filters for layer in cnn.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convs == [64, 128, 128, 256, 256]
    assert [layer.rate for layer in cnn.layers if hasattr(layer, "rate")] == [0.1, 0.1]


# Section 3.2.1: the MNIST models are built from "four Conv2D layers" down and "one
# Conv2DTranspose layer" up (Figure 8), which the GAN's discriminator and generator follow.
GAN_GENERATOR = [
    ("project", (12544,), 3_211_264),
    ("reshape", (14, 14, 64), 0),
    ("project_bn", (14, 14, 64), 256),
    ("project_act", (14, 14, 64), 0),
    ("deconv1", (28, 28, 128), 73_728),
    ("deconv1_bn", (28, 28, 128), 512),
    ("deconv1_act", (28, 28, 128), 0),
    ("output", (28, 28, 1), 1_153),
]
GAN_DISCRIMINATOR = [
    ("conv1", (14, 14, 128), 1_280),
    ("conv1_act", (14, 14, 128), 0),
    ("conv2", (7, 7, 128), 147_584),
    ("conv2_act", (7, 7, 128), 0),
    ("conv3", (4, 4, 128), 147_584),
    ("conv3_act", (4, 4, 128), 0),
    ("conv4", (2, 2, 128), 147_584),
    ("conv4_act", (2, 2, 128), 0),
    ("flatten", (512,), 0),
    ("dropout", (512,), 0),
    ("logit", (1,), 513),
]


def test_gan_has_four_convs_down_and_one_deconv_up():
    gan = zoo.build("gan")
    assert layer_table(gan.generator) == GAN_GENERATOR
    assert layer_table(gan.discriminator) == GAN_DISCRIMINATOR
    assert zoo.get_preset("gan").batch_size == 32  # Keras's model.fit default


# Training: the reference's own values, and Keras's defaults where it names none.
FITS = {
    "keras_mnist_mlp": ({"optimizer": "rmsprop", "learning_rate": 1e-3, "epochs": 20}, 128),
    "keras_mnist_cnn": ({"optimizer": "adadelta", "learning_rate": 1e-3, "epochs": 12}, 128),
    "idl_fmnist_mlp": (
        {"optimizer": "rmsprop", "learning_rate": 1e-3, "epochs": 50, "early_stopping": 1},
        32,
    ),
    "idl_fmnist_cnn": (
        {"optimizer": "rmsprop", "learning_rate": 1e-3, "epochs": 50, "early_stopping": 1},
        32,
    ),
    "idl_baseline_mlp": (
        {
            "optimizer": "sgd",
            "learning_rate": 0.01,
            "momentum": 0.0,
            "epochs": 50,
            "early_stopping": 1,
        },
        32,
    ),
    "idl_baseline_cnn": (
        {"optimizer": "nadam", "learning_rate": 1e-3, "epochs": 50, "early_stopping": 1},
        32,
    ),
}


@pytest.mark.parametrize("name", FITS)
def test_presets_train_as_the_reference_or_kerass_defaults(name):
    preset = zoo.get_preset(name)
    fit, batch_size = FITS[name]
    assert dict(preset.fit) == {**fit, "precise_bn": None}  # Keras's moving BN statistics
    assert preset.batch_size == batch_size


@pytest.mark.parametrize("name", ["keras_mnist_mlp", "keras_mnist_cnn"])
def test_kerass_mnist_examples_train_on_all_60000_training_images(name):
    """Table 1's mnist_mlp and mnist_cnn fit on the whole train split (their validation
    data is the test set, which the zoo does not validate on): no validation split."""
    assert zoo.get_preset(name).data["validation"] == 0


def test_early_stopping_1_stops_where_kerass_default_early_stopping_does():
    """zoo.fit's early_stopping=1 stands for Keras's EarlyStopping() (patience 0)."""

    def stopped_at(patience):
        callback = keras.callbacks.EarlyStopping(patience=patience)
        model = keras.Sequential([keras.layers.Dense(1)])
        model.stop_training = False
        callback.set_model(model)
        callback.on_train_begin()
        for epoch, loss in enumerate([1.0, 0.8, 0.9, 0.7, 0.6]):
            callback.on_epoch_end(epoch, {"val_loss": loss})
            if callback.model.stop_training:
                return epoch
        return None

    assert stopped_at(0) == stopped_at(1) == 2


def settings(space):
    """Each hyperparameter's values, by label, as the search hands them to the builder."""
    return {hp: list(space.choices(hp)) for hp in space.values}


def test_table_2_layers_and_units_one_at_a_time():
    space = spaces.get("idl_fmnist_mlp_layers")
    assert settings(space) == {"layers": [2, 3, 4], "units": [128, 256, 512]}
    runs = [hypermodel.split_options(space, s) for s in hypermodel.settings_one_at_a_time(space)]
    assert [r[0]["hidden_units"] for r in runs] == [
        (512,),
        (512, 512),
        (512, 512, 512),
        (128,),
        (256,),
    ]
    assert {(r[0]["dropout"], r[2]["optimizer"]) for r in runs} == {(0.0, "rmsprop")}


def test_table_3_is_the_81_setting_grid():
    space = spaces.get("idl_fmnist_mlp_grid")
    assert space.size == 81
    assert settings(space) == {
        "kernel_initializer": ["random_normal", "glorot_normal", "glorot_uniform"],
        "activation": ["relu", "sigmoid", "tanh"],
        "optimizer": ["rmsprop", "adam_1e-3", "adam_1e-2"],
        "regularizer": ["none", "l1", "l2"],
    }
    assert space.choices("optimizer") == {
        "rmsprop": {"optimizer": "rmsprop", "learning_rate": 1e-3},
        "adam_1e-3": {"optimizer": "adam", "learning_rate": 1e-3},
        "adam_1e-2": {"optimizer": "adam", "learning_rate": 1e-2},
    }
    # kernel_regularizer="l1"/"l2": Keras's L1() and L2(), 0.01
    assert space.choices("regularizer") == {"none": {}, "l1": {"l1": 0.01}, "l2": {"l2": 0.01}}
    builder, _, fit = hypermodel.split_options(space, {"regularizer": "none"})
    assert builder["hidden_units"] == (128,) and builder["dropout"] == 0.0  # Table 2's best
    assert fit == {"epochs": 50, "early_stopping": 1}


def test_table_3s_initializers_are_kerass():
    init = zoo.build("idl_fmnist_mlp", kernel_initializer="random_normal").get_layer("dense1")
    assert isinstance(init.kernel_initializer, keras.initializers.RandomNormal)
    assert init.kernel_initializer.stddev == 0.05  # Keras's RandomNormal()


def test_table_4_dropout_search():
    space = spaces.get("idl_fmnist_mlp_dropout")
    assert settings(space) == {"dropout": [0.0, 0.1, 0.3, 0.5], "units": [512, 128]}
    builder, _, fit = hypermodel.split_options(space, {"dropout": 0.3, "units": 512})
    assert builder == {"dropout": 0.3, "hidden_units": (512,)}  # relu, glorot_uniform: preset's
    assert fit["optimizer"] == "rmsprop"


def test_table_5_architectures_one_at_a_time():
    space = spaces.get("idl_fmnist_cnn_architecture")
    assert settings(space) == {
        "conv_layers": [5, 6, 3],
        "filters": ["32-64-64-128-128", "64-128-128-256-256", "128-256-256-512-512"],
    }
    runs = [hypermodel.split_options(space, s) for s in hypermodel.settings_one_at_a_time(space)]
    assert [r[0]["filters"] for r in runs] == [
        (32, 64, 64, 128, 128),
        (32, 64, 64, 128, 128, 128),  # "6 (Add layers)"
        (32, 64, 64),  # "3 (Remove layers)"
        (64, 128, 128, 256, 256),
        (128, 256, 256, 512, 512),
    ]
    assert {(r[0]["dense_dropout"], r[2]["optimizer"]) for r in runs} == {(0.5, "rmsprop")}


def test_table_6_dropout_and_optimizer_one_at_a_time():
    space = spaces.get("idl_fmnist_cnn")
    assert settings(space) == {
        "dense_dropout": [0.1, 0.3, 0.5],
        "optimizer": ["rmsprop", "adam_1e-3", "adam_1e-2"],
    }
    assert space.oneatatime_size == 5
    assert "filters" not in space.fixed  # Table 5's best: the preset's 32-64-64-128-128


def test_every_idl_space_builds_its_models():
    for name in [n for n in spaces.list_spaces() if n.startswith("idl_")]:
        tuning.check_space(spaces.get(name))


SCRIPT = load_script("idl_a2")


# Task 2: the reference's own examples of its label framings.
def test_regression_reads_the_time_in_hours():
    targets = keras.ops.convert_to_numpy(clock.encode("regression", [715.0, 5.0]))
    np.testing.assert_allclose(targets[:, 0], [11.917, 0.0833], atol=1e-3)  # 11:55, 0:05


def test_label_transformation_is_the_hour_hands_sine_and_cosine():
    targets = keras.ops.convert_to_numpy(clock.encode("sincos", [5.0, 715.0]))
    angles = np.array([0.0436, 6.240])  # 0:05 and 11:55, in radians
    np.testing.assert_allclose(targets, np.stack([np.sin(angles), np.cos(angles)], 1), atol=1e-3)
    decoded = keras.ops.convert_to_numpy(clock.decode("sincos", targets))
    np.testing.assert_allclose(decoded, [5.0, 715.0], atol=0.1)
    model = zoo.build("clock_sincos")
    assert model.output_shape == (None, 2) and model.layers[-1].framing == "sincos"


def test_both_hands_is_a_named_zoo_option():
    model = zoo.build("clock_sincos_both_hands")
    assert model.output_shape == (None, 4)
    hour, minute = 2 * math.pi * 155 / 720, 2 * math.pi * 35 / 60  # 2:35
    expected = [math.sin(hour), math.cos(hour), math.sin(minute), math.cos(minute)]
    targets = keras.ops.convert_to_numpy(clock.encode("sincos_both_hands", [155.0]))
    np.testing.assert_allclose(targets[0], expected, atol=1e-5)


def test_classification_and_multihead_heads():
    for classes in (24, 72, 720):
        assert zoo.build("clock_classification", num_classes=classes).output_shape[-1] == classes
    model = zoo.build("clock_multihead")
    assert model.get_layer("hour").units == 12 and model.get_layer("minute").units == 1
    loss = model.layers[-1].default_loss()
    assert loss.hour_weight == loss.minute_weight == 1.0  # Keras's equal loss weights


def test_the_final_model_has_section_2_5s_changes_only():
    backbone = zoo.build("clock_final").get_layer("backbone")
    kinds = [type(layer).__name__ for layer in backbone.layers]
    assert "ReLU" not in kinds and kinds.count("LeakyReLU") == 6  # every hidden layer
    norms = [
        layer.name for layer in backbone.layers if "BatchNormalization" in type(layer).__name__
    ]
    assert norms == ["dense1_bn"]  # after the first dense layer only
    dropout = [i for i, kind in enumerate(kinds) if kind == "Dropout"]
    assert len(dropout) == 1 and kinds[dropout[0] + 1] == "Flatten"  # beside the flatten
    weighted = [layer for layer in backbone.layers if getattr(layer, "kernel", None) is not None]
    assert all(layer.kernel_regularizer.l2 == pytest.approx(0.01) for layer in weighted)
    final, sincos = zoo.get_preset("clock_final").fit, zoo.get_preset("clock_sincos").fit
    assert final["learning_rate"] < sincos["learning_rate"] and final["epochs"] > sincos["epochs"]


def test_the_final_models_leaky_relu_has_kerass_slope():
    # Section 2.5 names no slope: Keras's LeakyReLU() default, 0.3, not PyTorch's 0.01.
    assert keras.layers.LeakyReLU().negative_slope == pytest.approx(0.3)
    assert zoo.describe("clock_final")["leaky_relu_slope"] == 0.3
    model = zoo.build("clock_final")
    leaky = [
        layer
        for layer in model.get_layer("backbone").layers
        if isinstance(layer, keras.layers.LeakyReLU)
    ]
    assert len(leaky) == 6 and {layer.negative_slope for layer in leaky} == {0.3}
    assert all(layer.get_config()["negative_slope"] == 0.3 for layer in leaky)
    assert model.count_params() == zoo.build("clock_final", leaky_relu_slope=0.01).count_params()
    # The PyTorch references keep PyTorch's slope.
    kth = zoo.build("kth_cnn", activation="leaky_relu")
    assert {
        layer.negative_slope for layer in kth.layers if isinstance(layer, keras.layers.LeakyReLU)
    } == {0.01}
    assert zoo.describe("clock_sincos")["leaky_relu_slope"] == 0.01  # the builder's default
    with pytest.raises(ValueError, match="leaky_relu_slope"):
        zoo.build("clock_final", leaky_relu_slope=-0.1)


def test_the_multihead_minute_is_a_linear_regression():
    # Section 2.3: the minute / 60 with MSE and no activation named, Keras's linear Dense.
    model = zoo.build("clock_multihead")
    assert model.layers[-1].minute_activation == "linear"
    assert model.get_layer("minute").get_config()["activation"] == "linear"
    sigmoid = zoo.build("clock_multihead", minute_activation="sigmoid")
    assert sigmoid.layers[-1].minute_activation == "sigmoid"
    assert sigmoid.count_params() == model.count_params()


def test_clock_presets_train_with_kerass_adam_and_batch():
    for name in ("clock_regression", "clock_classification", "clock_multihead", "clock_sincos"):
        preset = zoo.get_preset(name)
        assert dict(preset.fit) == {
            "optimizer": "adam",
            "learning_rate": 1e-3,
            "epochs": 12,
            "precise_bn": None,  # Keras's moving batch-norm statistics
        }
        assert preset.batch_size == 32


# The script: every experiment of the reference is a subcommand or a row of one.
def test_every_experiment_is_a_subcommand_of_the_script():
    script = SCRIPT
    steps = [step.name for step in script.STEPS]
    assert steps == [
        "mnist",
        "fmnist-mlp",
        "best",
        "fmnist-cnn",
        "cifar10",
        "cifar10-search",
        "architecture",  # Figures 3-8
        "clocks",
        "generative",
    ]
    for step in steps:
        assert f"idl_a2.py {step}" in script.__doc__


def test_the_baselines_are_rows():
    script = SCRIPT
    assert script.BASELINES == {
        "mlp": ("idl_baseline_mlp", 0.8863, 0.6186),  # Table 2: accuracy, test loss
        "cnn": ("idl_baseline_cnn", 0.8909, 0.3330),  # Table 5
    }
    table_8 = {row[0]: (row[1], row[4]) for row in script.CIFAR10}
    assert table_8["mlp_baseline"] == ("idl_baseline_mlp", 0.4977)
    assert table_8["cnn_baseline"] == ("idl_baseline_cnn", 0.6478)
    assert len(table_8) == 10  # Table 8's ten rows
    searched = [search[0] for search, _, _ in script.CIFAR10_SEARCHES]
    assert searched == [
        "idl_fmnist_mlp_layers",
        "idl_fmnist_mlp_grid",
        "idl_fmnist_mlp_dropout",
        "idl_fmnist_cnn_architecture",
        "idl_fmnist_cnn",
    ]
    bests = [(best, loss) for _, best, loss in script.CIFAR10_SEARCHES if best]
    assert bests == [(0.4985, 1.4300), (0.7024, 1.1895)]


def test_the_test_loss_columns_are_the_tables_values():
    # Tables 1, 2, 5, 6 and 8 give "Test Loss" beside "Test Accuracy".
    script = SCRIPT
    assert {row[0]: row[3:] for row in script.MNIST} == {
        "mlp": (0.9837, 0.1206),
        "cnn": (0.8891, 0.4189),
        "cnn_adadelta_1.0": (None, None),
    }

    def table(search):
        return sorted((accuracy, loss) for _, _, accuracy, loss in search[4])

    assert table(script.MLP_LAYERS) == sorted(
        [(0.8911, 0.3679), (0.8843, 0.3622), (0.8842, 0.3583)]  # #layers
        + [(0.8876, 0.3659), (0.8847, 0.3302), (0.8858, 0.3539)]  # #units
    )
    assert table(script.CNN_ARCHITECTURE) == sorted(
        [(0.9109, 0.2642), (0.9060, 0.3105), (0.9101, 0.3360)]  # #Conv2D layers
        + [(0.9094, 0.2767), (0.9094, 0.2916), (0.9042, 0.2907)]  # #filters
    )
    assert table(script.CNN_TUNING) == sorted(
        [(0.9183, 0.3279), (0.9175, 0.3613), (0.9105, 0.3713)]  # dropout rate
        + [(0.9111, 0.2768), (0.9116, 0.4071), (0.8732, 0.3658)]  # optimizer
    )
    assert [row[4:] for row in script.CIFAR10] == [
        (0.4977, 1.4616),
        (0.4559, 1.5321),
        (0.4735, 1.4960),
        (0.4304, 1.5921),
        (0.4985, 1.4300),
        (0.6478, 1.5516),
        (0.6969, 0.9998),
        (0.7004, 1.0246),
        (0.6802, 0.9959),
        (0.7024, 1.1895),
    ]


def test_table_9_rows():
    rows = {row[0]: (row[1], row[3]) for row in SCRIPT.CLOCKS}
    assert rows == {
        "regression": ("clock_regression", 0.7053),
        "classification_24": ("clock_classification", 0.6206),
        "classification_72": ("clock_classification", 0.9517),
        "classification_720": ("clock_classification", 3.0309),
        "multihead": ("clock_multihead", 0.6161),
        "sincos": ("clock_sincos", 0.3447),
        "sincos_both_hands": ("clock_sincos_both_hands", None),
        "final": ("clock_final", 0.1921),
    }
