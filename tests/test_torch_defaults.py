"""Where a reference written in PyTorch is silent, its presets take PyTorch's defaults:
BatchNorm2d's momentum=0.1 (Keras's 0.9) and eps=1e-5, and the initialisation of
nn.Linear and nn.Conv2d (``reset_parameters``: ``kaiming_uniform_(a=sqrt(5))`` for the
weights, gain sqrt(2 / (1 + 5)), so bound sqrt(3) * gain / sqrt(fan_in) = 1/sqrt(fan_in);
the bias uniform in +-1/sqrt(fan_in) too; nn.ConvTranspose2d's weight is (in, out, kh, kw),
so its fan_in is out * kh * kw). IDL A2, written in Keras, keeps Keras's."""

import math

import keras
import numpy as np
import pytest
from conftest import runs_on

import zoo

# COSC420 A1, CV1 and KTH P3 (CV1's tuned CNN is `lenet5` with other layers); CMU HW1's
# ResNets take PyTorch's batch norm and keep He et al.'s initialisation.
TORCH_INITIALISED = ("cv1_mlp", "cv1_mlp_tuned", "lenet5", "cosc420_cnn", "kth_cnn", "kth_cnn_best")
# The presets without batch norm are built with it, to check the settings they would use.
TORCH_CASES = [
    ("cv1_mlp", {"batch_norm": True}),
    ("cv1_mlp_tuned", {"batch_norm": True}),
    ("lenet5", {"batch_norm": True, "dense_batch_norm": True}),
    ("cosc420_cnn", {}),
    ("kth_cnn", {"batch_norm": True, "dense_batch_norm": True}),
    ("kth_cnn_best", {}),
    ("resnet20", {}),
    ("resnet56", {}),
]


def all_layers(model):
    """A model's layers, those of nested models (the clocks' backbone) included."""
    for layer in model.layers:
        yield from all_layers(layer) if isinstance(layer, keras.Model) else (layer,)


def batch_norms(model):
    return [lay for lay in all_layers(model) if isinstance(lay, keras.layers.BatchNormalization)]


def weighted_layers(model):
    """Dense, Conv2D and Conv2DTranspose (Keras's or zoo.models.layers') layers."""
    kinds = (keras.layers.Dense, keras.layers.Conv2D, keras.layers.Conv2DTranspose)
    return [lay for lay in all_layers(model) if isinstance(lay, kinds)]


def fan_in(layer) -> int:
    """PyTorch's inputs per unit: a Dense kernel's rows, a Conv2D kernel's height * width *
    in channels, and a transposed conv's height * width * *out* channels (its filters)."""
    if isinstance(layer, keras.layers.Conv2DTranspose):
        return math.prod(layer.kernel_size) * layer.filters
    return math.prod(layer.kernel.shape[:-1])


def assert_torch_initialised(model):
    """Every weighted layer draws its kernel and bias as PyTorch's default does."""
    layers = weighted_layers(model)
    assert layers
    for layer in layers:
        kernel = layer.kernel_initializer
        assert isinstance(kernel, keras.initializers.VarianceScaling), layer.name
        assert (kernel.scale, kernel.mode, kernel.distribution) == (
            pytest.approx(1 / 3),
            "fan_in",
            "uniform",
        ), layer.name
        bias = layer.bias_initializer
        assert isinstance(bias, keras.initializers.RandomUniform), layer.name
        bound = 1 / math.sqrt(fan_in(layer))
        assert (bias.minval, bias.maxval) == (pytest.approx(-bound), pytest.approx(bound)), (
            layer.name
        )


@pytest.mark.parametrize("name, options", TORCH_CASES)
@runs_on("tensorflow")  # layer configs: the same on both backends; the draws run on both
def test_pytorch_references_presets_take_pytorchs_batch_norm_and_initialisation(name, options):
    model = zoo.build(name, **options)
    norms = batch_norms(model)
    assert norms, name
    assert {(lay.momentum, lay.epsilon) for lay in norms} == {(0.9, 1e-5)}
    if name not in TORCH_INITIALISED:
        return
    assert_torch_initialised(model)


# COSC420 A1's auto-encoder and UNet have no batch norm; the zoo's UNet with the option
# checks the noise-level Dense layers too, and a transposed conv whose in != out channels.
@pytest.mark.parametrize(
    "name, options",
    [
        ("cosc420_cae", {}),
        ("cosc420_unet", {}),
        ("unet", {"bottleneck": (256, 64), "kernel_initializer": "torch"}),
        ("cae", {"latent_dim": 8, "output_conv": True, "kernel_initializer": "torch"}),
    ],
)
@runs_on("tensorflow")  # layer configs: the same on both backends; the draws run on both
def test_cosc420_autoencoder_and_unet_take_pytorchs_initialisation(name, options):
    model = zoo.build(name, **options)
    assert_torch_initialised(model)
    transposed = [
        lay for lay in weighted_layers(model) if isinstance(lay, keras.layers.Conv2DTranspose)
    ]
    assert transposed, name


def test_transposed_convs_bias_bound_uses_their_output_channels():
    """COSC420 A1's nn.ConvTranspose2d(64, 32, 3): fan_in = 32 * 3 * 3 = 288, not the
    64 * 9 a Conv2D's rule gives; (16, 3, 3) has 27."""
    keras.utils.set_random_seed(0)
    model = zoo.build("cosc420_cae")
    decoder = model.get_layer("decoder")
    for name, filters, channels in (("deconv1", 32, 64), ("deconv3", 3, 16)):
        layer = decoder.get_layer(name)
        kernel, bias = (keras.ops.convert_to_numpy(w) for w in (layer.kernel, layer.bias))
        assert kernel.shape == (3, 3, filters, channels)
        bound = 1 / math.sqrt(filters * 9)
        assert layer.bias_initializer.maxval == pytest.approx(bound)
        assert np.abs(kernel).max() <= bound
        assert bound / 2 < np.abs(bias).max() <= bound
    kernel = keras.ops.convert_to_numpy(decoder.get_layer("deconv1").kernel)
    assert kernel.std() == pytest.approx(1 / math.sqrt(3 * 288), rel=0.05)
    assert model.count_params() == 47_107


def test_torch_initializer_draws_what_pytorchs_linear_draws():
    """nn.Linear(784, 100): weights and biases uniform in +-1/sqrt(784), so the weights'
    standard deviation is 1/sqrt(3 * 784)."""
    keras.utils.set_random_seed(0)
    model = zoo.build("mlp", hidden_units=(100,), kernel_initializer="torch")
    layer = model.get_layer("dense1")
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in (layer.kernel, layer.bias))
    assert kernel.shape == (784, 100)
    bound = 1 / math.sqrt(784)
    assert np.abs(kernel).max() <= bound
    assert kernel.std() == pytest.approx(1 / math.sqrt(3 * 784), rel=0.02)
    assert np.abs(bias).max() <= bound
    assert np.abs(bias).max() > bound / 2  # drawn, not Keras's zeros


def test_torch_initializer_uses_a_convs_kernel_area_and_channels():
    """nn.Conv2d(24, 48, 3): fan_in = 24 * 3 * 3 = 216 (KTH P3's conv2)."""
    keras.utils.set_random_seed(0)
    layer = zoo.build("kth_cnn").get_layer("conv2")
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in (layer.kernel, layer.bias))
    assert kernel.shape == (3, 3, 24, 48)
    bound = 1 / math.sqrt(216)
    assert np.abs(kernel).max() <= bound
    assert kernel.std() == pytest.approx(1 / math.sqrt(3 * 216), rel=0.05)
    assert bound / 2 < np.abs(bias).max() <= bound


def serialised_modules(config):
    """The ``module`` of every serialised object in a model's config (layers, initializers)."""
    if isinstance(config, dict):
        if "module" in config and "class_name" in config:
            yield config["module"]
        for value in config.values():
            yield from serialised_modules(value)
    elif isinstance(config, list):
        for value in config:
            yield from serialised_modules(value)


@pytest.mark.parametrize("name", ["kth_cnn", "cv1_mlp"])
def test_torch_initialised_models_name_only_keras_classes(name):
    """Their .keras files open with plain Keras: the initializers are Keras's own."""
    config = keras.saving.serialize_keras_object(zoo.build(name))
    modules = set(serialised_modules(config))
    assert {"keras.initializers"} <= modules
    assert all(m == "keras" or m.startswith("keras.") for m in modules), modules


KERAS_DEFAULT_PRESETS = [
    name
    for name in zoo.list_models()
    if zoo.get_preset(name).family in ("mlp", "cnn", "clock")
    and (zoo.get_preset(name).source.startswith("IDL A2") or name in ("mlp", "cnn"))
]


@pytest.mark.parametrize("name", ["idl_mnist_cae", "vae", "cae", "unet"])
@runs_on("tensorflow")  # layer configs: the same on both backends
def test_idl_a2_generative_and_family_presets_keep_keras_initialisation(name):
    layers = weighted_layers(zoo.build(name))
    assert layers
    for layer in layers:
        assert isinstance(layer.kernel_initializer, keras.initializers.GlorotUniform), layer.name
        assert isinstance(layer.bias_initializer, keras.initializers.Zeros), layer.name


def test_keras_default_presets_are_the_idl_a2_ones_and_the_families():
    assert {"keras_mnist_mlp", "idl_fmnist_cnn", "clock_final", "mlp", "cnn"} <= set(
        KERAS_DEFAULT_PRESETS
    )


@pytest.mark.parametrize("name", KERAS_DEFAULT_PRESETS)
@runs_on("tensorflow")  # layer configs: the same on both backends; the draws run on both
def test_idl_a2_and_family_presets_keep_keras_defaults(name):
    model = zoo.build(name, batch_norm=True)
    for layer in weighted_layers(model):
        assert isinstance(layer.kernel_initializer, keras.initializers.GlorotUniform), layer.name
        assert isinstance(layer.bias_initializer, keras.initializers.Zeros), layer.name
    norms = batch_norms(model)
    assert norms
    assert {(lay.momentum, lay.epsilon) for lay in norms} == {(0.99, 1e-3)}


@pytest.mark.parametrize(
    "name, options",
    [
        ("mlp", {"batch_norm_epsilon": 0.0}),
        ("cnn", {"batch_norm_epsilon": -1e-5}),
        ("resnet", {"batch_norm_epsilon": 0}),
        ("mlp", {"kernel_initializer": "pytorch"}),
        ("cae", {"kernel_initializer": "pytorch"}),
        ("unet", {"kernel_initializer": "pytorch"}),
    ],
)
def test_bad_torch_options_fail_before_building(name, options):
    with pytest.raises(ValueError, match=rf"{next(iter(options))}.*Received"):
        zoo.build(name, **options)
