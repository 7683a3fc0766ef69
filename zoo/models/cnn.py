"""Plain convolutional stacks described by per-layer lists (the five references).

One conv layer per entry of ``filters``; each option is one value for every
layer or a list with one value per layer, so LeNet-5, Keras's mnist_cnn and the
references' CNNs are all presets of one builder.
"""

from __future__ import annotations

import functools

import keras
from keras import layers

from zoo.models import common
from zoo.models.layers import MaxPooling2D


def build_cnn(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    filters=(32, 64),
    kernel_size=3,
    strides=1,
    padding="same",
    pooling: str | None = "max",
    pool_after=True,
    pool_size: int = 2,
    activation: str = "relu",
    leaky_relu_slope: float = common.LEAKY_RELU_SLOPE,
    last_conv_activation: bool = True,
    pool_activation: str | None = None,
    batch_norm=False,
    batch_norm_position: str = "before_activation",
    batch_norm_momentum: float = common.KERAS_BATCH_NORM_MOMENTUM,
    batch_norm_epsilon: float = common.KERAS_BATCH_NORM_EPSILON,
    conv_dropout=0.0,
    global_pool: str = "flatten",
    dense_units=(128,),
    dense_batch_norm=False,
    dense_dropout=0.0,
    kernel_initializer: str = "glorot_uniform",
    l1: float = 0.0,
    l2: float = 0.0,
    output_activation: str | None = "softmax",
    include_top: bool = True,
    name: str = "cnn",
) -> keras.Model:
    """conv -> (BN) -> act -> (pool) -> (dropout) per layer, then flatten or pool -> dense head.

    ``batch_norm`` follows each conv (or the convs a per-layer list says);
    ``dense_batch_norm`` each hidden dense layer (COSC420 A1 puts it after the first
    dense layer only: ``(True, False)``), both with ``batch_norm_momentum`` and
    ``batch_norm_epsilon`` (PyTorch's 0.9 and 1e-5 in the presets of references written in
    PyTorch) and before the activation, or after it
    with ``batch_norm_position="after_activation"`` (KTH P3). ``last_conv_activation=False``
    leaves the last conv linear (KTH P3's third conv goes straight to its max-pool).
    ``conv_dropout`` comes after a layer's pooling, ``dense_dropout`` after each
    hidden dense layer. ``pool_activation`` follows each pooling layer (LeNet-5's
    subsampling layers end in a sigmoid). ``leaky_relu_slope`` is the negative slope of
    ``activation="leaky_relu"``: PyTorch's 0.01 (Keras's ``LeakyReLU()`` has 0.3).
    ``l1``/``l2`` regularise every kernel;
    ``kernel_initializer="torch"`` initialises every layer as PyTorch's nn.Conv2d and
    nn.Linear do.
    ``include_top=False`` leaves out the ``head`` layer: the model outputs the last
    hidden features, as a backbone for other heads (the clock models).
    """
    input_shape = common.check_shape(input_shape, 3)
    if include_top:
        common.check_num_classes(num_classes)
    filters = common.check_positive_ints("filters", filters)
    n = len(filters)
    kernels = common.check_positive_ints(
        "kernel_size", common.per_layer("kernel_size", kernel_size, n)
    )
    strides = common.check_positive_ints("strides", common.per_layer("strides", strides, n))
    paddings = common.per_layer("padding", padding, n)
    for p in paddings:
        common.check_choice("padding", p, ("same", "valid"))
    pools = common.per_layer("pool_after", pool_after, n) if pooling else (False,) * n
    norms = common.per_layer("batch_norm", batch_norm, n)
    activated = (True,) * (n - 1) + (bool(last_conv_activation),)
    if pooling:
        common.check_choice("pooling", pooling, ("max", "avg"))
        common.check_positive_ints("pool_size", pool_size)
    conv_rates = [
        common.check_rate("conv_dropout", r)
        for r in common.per_layer("conv_dropout", conv_dropout, n)
    ]
    dense_units = common.check_positive_ints("dense_units", dense_units) if dense_units else ()
    m = len(dense_units)
    dense_bns = common.per_layer("dense_batch_norm", dense_batch_norm, m)
    dense_rates = [
        common.check_rate("dense_dropout", r)
        for r in common.per_layer("dense_dropout", dense_dropout, m)
    ]
    common.check_batch_norm(batch_norm_momentum, batch_norm_epsilon)
    common.check_choice("batch_norm_position", batch_norm_position, common.BATCH_NORM_POSITIONS)
    common.check_choice("activation", activation, common.ACTIVATIONS)
    common.check_non_negative("leaky_relu_slope", leaky_relu_slope)
    if pool_activation is not None:
        common.check_choice("pool_activation", pool_activation, common.ACTIVATIONS)
    common.check_choice("global_pool", global_pool, ("flatten", "avg", "max"))
    common.check_choice("kernel_initializer", kernel_initializer, common.INITIALIZERS)
    _check_spatial(input_shape, kernels, strides, paddings, pools, pool_size, name)
    regularizer = common.regularizer(l1, l2)

    inputs = keras.Input(input_shape, name="images")
    x = inputs
    for i, (f, k, s, p, pool, bn, act, rate) in enumerate(
        zip(filters, kernels, strides, paddings, pools, norms, activated, conv_rates), start=1
    ):
        x = common.layer_norm_activation(
            functools.partial(
                layers.Conv2D,
                f,
                k,
                strides=s,
                padding=p,
                name=f"conv{i}",
                kernel_regularizer=regularizer,
                **common.conv_initializers(kernel_initializer, x, k),
            ),
            x,
            activation if act else None,
            batch_norm=bn,
            position=batch_norm_position,
            momentum=batch_norm_momentum,
            epsilon=batch_norm_epsilon,
            leaky_relu_slope=leaky_relu_slope,
        )
        if pool:
            pool_layer = MaxPooling2D if pooling == "max" else layers.AveragePooling2D
            x = pool_layer(pool_size, name=f"pool{i}")(x)
            if pool_activation:
                x = common.activation_layer(pool_activation, name=f"pool{i}_act")(x)
        if rate:
            x = layers.Dropout(rate, name=f"conv{i}_dropout")(x)
    if global_pool == "flatten":
        x = layers.Flatten(name="flatten")(x)
    elif global_pool == "avg":
        x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    else:
        x = layers.GlobalMaxPooling2D(name="global_pool")(x)
    for i, (units, bn, rate) in enumerate(zip(dense_units, dense_bns, dense_rates), start=1):
        x = common.dense_block(
            x,
            units,
            activation=activation,
            batch_norm=bn,
            batch_norm_position=batch_norm_position,
            batch_norm_momentum=batch_norm_momentum,
            batch_norm_epsilon=batch_norm_epsilon,
            dropout=rate,
            name=f"dense{i}",
            kernel_initializer=kernel_initializer,
            leaky_relu_slope=leaky_relu_slope,
            kernel_regularizer=regularizer,
        )
    if include_top:
        x = common.classifier_head(
            x,
            num_classes,
            output_activation,
            kernel_initializer=kernel_initializer,
            kernel_regularizer=regularizer,
        )
    return keras.Model(inputs, x, name=name)


def _check_spatial(input_shape, kernels, strides, paddings, pools, pool_size, name):
    """Fail before building when the feature map shrinks to nothing."""
    h, w = input_shape[:2]
    for i, (k, s, p, pool) in enumerate(zip(kernels, strides, paddings, pools), start=1):
        if p == "valid" and min(h, w) < k:
            raise ValueError(
                f"The input is too small for '{name}': conv{i} ({k}x{k}, valid padding) would get "
                f"a {h}x{w} feature map. Use larger images (zoo.data.load(..., image_size=...)) "
                f"or padding='same'. Received: input_shape={tuple(input_shape)}"
            )
        h, w = ((h - k) // s + 1, (w - k) // s + 1) if p == "valid" else (-(-h // s), -(-w // s))
        if pool:
            if min(h, w) < pool_size:
                raise ValueError(
                    f"The input is too small for '{name}': pool{i} ({pool_size}x{pool_size}) would "
                    f"get a {h}x{w} feature map. Use larger images or fewer pooling layers. "
                    f"Received: input_shape={tuple(input_shape)}"
                )
            h, w = h // pool_size, w // pool_size
