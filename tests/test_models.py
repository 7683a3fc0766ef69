"""Every listed model builds, predicts, trains a step and saves on the current backend."""

import inspect
import re
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import runs_on, taking_turns

import zoo

# Trainable parameter counts from the references' tables and Keras's own examples.
REFERENCE_PARAMETERS = [
    ("cosc420_cnn", {}, 760_074),  # COSC420 A1, Table 2, 10 classes
    ("cosc420_cnn", {"num_classes": 102}, 807_270),  # COSC420 A1, Table 2, 102 classes
    ("kth_cnn", {}, 256_058),  # KTH P3, Figure 1
    ("keras_mnist_mlp", {}, 669_706),  # Keras mnist_mlp.py
    ("keras_mnist_cnn", {}, 1_199_882),  # Keras mnist_cnn.py
    ("lenet5", {}, 69_656),  # CV1: LeNet-5 on 32x32x3, F6 = 10,164
]
REQUIRED = [
    "mlp",
    "cnn",
    "resnet",
    "keras_mnist_mlp",
    "keras_mnist_cnn",
    "lenet5",
    "cosc420_cnn",
    "kth_cnn",
    "idl_fmnist_mlp",
    "idl_fmnist_cnn",
    "resnet20",
]


def trainable_parameters(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def test_required_presets_are_listed():
    assert set(REQUIRED) <= set(zoo.list_models())
    assert zoo.list_models("kth_*") == ["kth_cnn", "kth_cnn_best"]


@pytest.mark.parametrize("name, options, expected", REFERENCE_PARAMETERS)
def test_parameter_counts_match_the_references(name, options, expected):
    assert trainable_parameters(zoo.build(name, **options)) == expected


def test_recipe_presets_have_valid_data_options():
    for name in ("fmnist_fast", "fmnist_long"):
        preset = zoo.get_preset(name)
        assert zoo.data.augment.parse(preset.data["augment"])
        assert preset.evaluate == {"flip": True}
    assert trainable_parameters(zoo.build("fmnist_long")) == 819_906  # the README's table


def test_lenet5_f6_layer_has_cv1s_10164_parameters():
    assert zoo.build("lenet5").get_layer("dense1").count_params() == 10_164


CLASSIFIER_FAMILIES = ("mlp", "cnn", "resnet")
CLASSIFIERS = [n for n in zoo.list_models() if zoo.get_preset(n).family in CLASSIFIER_FAMILIES]


def test_every_classifier_is_covered():
    assert set(REQUIRED) <= set(CLASSIFIERS)


# The fast tier checks a few on both backends; the rest take turns between the backends'
# suites, within each family, so every family's layers run on both.
FAST_CLASSIFIERS = ("mlp", "cnn", "kth_cnn")
CLASSIFIER_CASES = [*FAST_CLASSIFIERS] + taking_turns(
    [(name,) for name in CLASSIFIERS if name not in FAST_CLASSIFIERS],
    group=lambda case: zoo.get_preset(case[0]).family,
    on_jax=("resnet", "resnet20", "resnet56"),
)


@pytest.mark.parametrize("name", CLASSIFIER_CASES)
def test_every_classifier_builds_predicts_trains_and_reloads(name, tmp_path):
    model = zoo.build(name)
    num_classes = describe_num_classes(name)
    x = np.random.default_rng(0).uniform(size=(4, *model.input_shape[1:])).astype("float32")
    y = np.arange(4) % num_classes

    probabilities = model.predict(x, verbose=0)
    assert probabilities.shape == (4, num_classes)
    assert np.all(np.isfinite(probabilities))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert all(layer.name for layer in model.layers)

    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)

    rebuilt = keras.Model.from_config(model.get_config())
    assert rebuilt.count_params() == model.count_params()
    path = tmp_path / f"{name}.keras"
    model.save(path)
    reloaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6
    )


def describe_num_classes(name):
    return zoo.describe(name)["num_classes"]


def test_options_override_the_preset():
    model = zoo.build("kth_cnn", activation="leaky_relu", dense_units=(512, 128), num_classes=5)
    assert model.output_shape == (None, 5)
    assert model.get_layer("dense2").units == 128
    assert isinstance(model.get_layer("conv1_act"), keras.layers.LeakyReLU)


def test_describe_shows_defaults_and_preset_options():
    options = zoo.describe("cosc420_cnn")
    assert options["filters"] == (16, 32, 64, 128, 256)
    assert options["input_shape"] == (96, 96, 3)
    assert options["activation"] == "relu"  # builder default
    assert zoo.get_preset("idl_fmnist_cnn").fit["optimizer"] == "rmsprop"


def test_merge_lets_overrides_win_option_by_option_and_keeps_the_preset():
    preset = zoo.get_preset("kth_cnn")
    recipe = preset.merge(
        model={"activation": "leaky_relu"}, data={"batch_size": 256}, fit={"epochs": 3}
    )
    assert recipe.fit == {
        "optimizer": "sgd",
        "learning_rate": 1e-3,
        "momentum": 0.0,
        "epochs": 3,
        "precise_bn": None,
    }
    assert (recipe.batch_size, recipe.epochs, preset.batch_size, preset.epochs) == (256, 3, 64, 300)
    assert recipe.model["filters"] == (24, 48, 96) and "activation" not in preset.model
    model = recipe.build()
    assert isinstance(model.get_layer("conv1_act"), keras.layers.LeakyReLU)
    assert model.name == "kth_cnn"
    with pytest.raises(TypeError, match="Did you mean 'dropout'"):
        zoo.get_preset("mlp").merge(model={"dropuot": 0.5})


def test_every_preset_stage_names_options_its_stage_takes():
    """The presets are data; a misspelt data, fit or evaluate option fails here, not at
    the end of someone's training run."""
    takes = {
        "data": inspect.signature(zoo.data.load).parameters,
        "fit": inspect.signature(zoo.fit).parameters,
        "evaluate": inspect.signature(zoo.evaluate).parameters,
    }
    for name in zoo.list_models():
        preset = zoo.get_preset(name)
        assert preset.description and (preset.source or name == preset.family), name
        for stage, accepted in takes.items():
            unknown = set(getattr(preset, stage)) - set(accepted)
            assert not unknown, f"{name}'s {stage} options {unknown} are not {stage}'s"


def test_unknown_model_suggests_the_closest_name():
    with pytest.raises(ValueError, match="Did you mean 'lenet5'"):
        zoo.build("lenet")


def test_unknown_option_is_rejected_with_a_suggestion():
    with pytest.raises(TypeError, match="Did you mean 'dropout'"):
        zoo.build("mlp", dropuot=0.5)


def test_duplicate_registration_raises():
    with pytest.raises(ValueError, match="already registered"):
        zoo.register_preset("mlp", zoo.models.build_mlp, description="again")


@pytest.mark.parametrize(
    "name, options, message",
    [
        ("mlp", {"dropout": 1.0}, "dropout"),
        ("mlp", {"dropout": -0.1}, "dropout"),
        ("cnn", {"dense_dropout": 1.5}, "dense_dropout"),
        ("mlp", {"hidden_units": (128, 0)}, "hidden_units"),
        ("cnn", {"filters": (32, -4)}, "filters"),
        ("cnn", {"filters": ()}, "filters"),
        ("mlp", {"num_classes": 1}, "num_classes"),
        ("resnet", {"num_classes": 1}, "num_classes"),
        ("cnn", {"activation": "relu6x"}, "activation"),
        ("cnn", {"kernel_size": (3, 3, 3)}, "kernel_size"),
        ("resnet", {"depth": 21}, "depth"),
        ("lenet5", {"input_shape": (8, 8, 1)}, "too small"),
        ("cosc420_cnn", {"input_shape": (16, 16, 3)}, "too small"),
        ("cnn", {"batch_norm_momentum": 1.0}, "batch_norm_momentum"),
        ("resnet", {"batch_norm_momentum": -0.1}, "batch_norm_momentum"),
    ],
)
def test_bad_options_fail_before_building(name, options, message):
    with pytest.raises(ValueError, match=message):
        zoo.build(name, **options)


def batch_norm_momenta(model) -> set:
    return {
        lay.momentum for lay in model.layers if isinstance(lay, keras.layers.BatchNormalization)
    }


def test_presets_of_pytorch_references_keep_pytorchs_batch_norm_momentum():
    """PyTorch's momentum=0.1 is Keras's 0.9: the statistics settle in tens of steps, not
    hundreds, as the references' short runs on small sets assume."""
    for name in ("cosc420_cnn", "kth_cnn_best", "resnet20", "resnet56"):
        assert batch_norm_momenta(zoo.build(name)) == {0.9}, name
    assert batch_norm_momenta(zoo.build("kth_cnn", batch_norm=True)) == {0.9}  # KTH P3's BN
    assert batch_norm_momenta(zoo.build("cnn", batch_norm=True)) == {0.99}  # Keras's default
    mlp = zoo.build("mlp", batch_norm=True, batch_norm_momentum=0.5)
    assert batch_norm_momenta(mlp) == {0.5}


def test_the_model_name_is_an_option_too():
    assert zoo.build("cnn", name="my_cnn").name == "my_cnn"
    assert zoo.build("cnn").name == "cnn"


def readme_model_table() -> dict[str, int]:
    """The README's model table: name -> trainable parameters."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| \w+ \| [^|]+ \| [^|]+ \| ([\d,]+) \|", text, re.M)
    return {name: int(count.replace(",", "")) for name, count in rows}


@pytest.mark.integration  # builds every model, the 15.9M-parameter UNet among them
@runs_on("tensorflow")  # the same counts on both backends; quicker to build there
def test_the_readme_lists_every_model_with_its_parameter_count():
    table = readme_model_table()
    assert sorted(table) == zoo.list_models()
    counts = {name: trainable_parameters(zoo.build(name)) for name in table}
    assert counts == table
