"""Multi-layer perceptrons over flattened images (CV1, IDL A2, CMU HW1)."""

from __future__ import annotations

import keras
from keras import layers

from zoo.models import common


def build_mlp(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    hidden_units=(512,),
    activation: str = "relu",
    kernel_initializer: str = "glorot_uniform",
    l1: float = 0.0,
    l2: float = 0.0,
    dropout=0.0,
    batch_norm: bool = False,
    batch_norm_momentum: float = common.KERAS_BATCH_NORM_MOMENTUM,
    batch_norm_epsilon: float = common.KERAS_BATCH_NORM_EPSILON,
    output_activation: str | None = "softmax",
    name: str = "mlp",
) -> keras.Model:
    """Flatten -> [Dense -> (BatchNorm) -> activation -> (Dropout)] * len(hidden_units) -> head.

    ``dropout`` is one rate for every hidden layer or one rate per layer; ``l1``
    and ``l2`` regularise every kernel, the head's included (IDL A2's grid).
    ``kernel_initializer="torch"`` initialises every layer as PyTorch's nn.Linear does.
    """
    input_shape = tuple(input_shape)
    if not input_shape or not all(isinstance(d, int) and d > 0 for d in input_shape):
        raise ValueError(f"`input_shape` must be positive integers. Received: {input_shape!r}")
    common.check_num_classes(num_classes)
    units = common.check_positive_ints("hidden_units", hidden_units)
    rates = common.per_layer("dropout", dropout, len(units))
    for rate in rates:
        common.check_rate("dropout", rate)
    common.check_batch_norm(batch_norm_momentum, batch_norm_epsilon)
    common.check_choice("activation", activation, common.ACTIVATIONS)
    common.check_choice("kernel_initializer", kernel_initializer, common.INITIALIZERS)
    dense_options = dict(
        kernel_initializer=kernel_initializer, kernel_regularizer=common.regularizer(l1, l2)
    )

    inputs = keras.Input(input_shape, name="images")
    x = layers.Flatten(name="flatten")(inputs)
    for i, (width, rate) in enumerate(zip(units, rates), start=1):
        x = common.dense_block(
            x,
            width,
            activation=activation,
            batch_norm=batch_norm,
            dropout=rate,
            batch_norm_momentum=batch_norm_momentum,
            batch_norm_epsilon=batch_norm_epsilon,
            name=f"dense{i}",
            **dense_options,
        )
    outputs = common.classifier_head(x, num_classes, output_activation, **dense_options)
    return keras.Model(inputs, outputs, name=name)
