"""CIFAR-style ResNets (He et al. 2016, Section 4.2), trained from scratch (CMU HW1)."""

from __future__ import annotations

import functools

import keras
from keras import layers

from zoo.models import common


def build_resnet(
    input_shape=(32, 32, 3),
    num_classes: int = 100,
    *,
    depth: int = 20,
    widths=(16, 32, 64),
    l2: float = 1e-4,
    dropout: float = 0.0,
    batch_norm_momentum: float = common.KERAS_BATCH_NORM_MOMENTUM,
    batch_norm_epsilon: float = common.KERAS_BATCH_NORM_EPSILON,
    output_activation: str | None = "softmax",
    name: str = "resnet",
) -> keras.Model:
    """A 3x3 stem, then ``len(widths)`` stages of (depth - 2) / (2 * stages) basic blocks.

    Each stage after the first halves the resolution with a stride-2 block whose
    shortcut is a 1x1 projection; a global average pool feeds the head. CMU HW1's
    presets keep PyTorch's batch-norm momentum (Keras's 0.9) and epsilon (1e-5).
    """
    input_shape = common.check_shape(input_shape, 3)
    common.check_num_classes(num_classes)
    widths = common.check_positive_ints("widths", widths)
    blocks, rest = divmod(depth - 2, 2 * len(widths)) if isinstance(depth, int) else (0, 1)
    if blocks < 1 or rest:
        raise ValueError(
            f"`depth` must be 2 + 2 * {len(widths)} * n for a whole number n >= 1 of blocks per "
            f"stage (e.g. 20, 32, 44, 56, 110 with 3 stages). Received: depth={depth!r}"
        )
    common.check_rate("dropout", dropout)
    common.check_batch_norm(batch_norm_momentum, batch_norm_epsilon)
    min_size = 2 ** (len(widths) - 1)
    if min(input_shape[:2]) < min_size:
        raise ValueError(
            f"The input is too small for '{name}': {len(widths)} stages halve it "
            f"{len(widths) - 1} times; use at least {min_size}x{min_size}. "
            f"Received: input_shape={input_shape}"
        )
    conv = dict(
        padding="same",
        use_bias=False,
        kernel_initializer="he_normal",
        kernel_regularizer=common.regularizer(l2=l2),
    )

    batch_norm = functools.partial(
        common.batch_norm_layer, momentum=batch_norm_momentum, epsilon=batch_norm_epsilon
    )

    inputs = keras.Input(input_shape, name="images")
    x = layers.Conv2D(widths[0], 3, name="stem_conv", **conv)(inputs)
    x = batch_norm("stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    for s, width in enumerate(widths, start=1):
        for b in range(1, blocks + 1):
            stride = 2 if s > 1 and b == 1 else 1
            x = _basic_block(x, width, stride, f"stage{s}_block{b}", conv, batch_norm)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    outputs = common.classifier_head(
        x, num_classes, output_activation, kernel_regularizer=common.regularizer(l2=l2)
    )
    return keras.Model(inputs, outputs, name=name)


def _basic_block(x, width: int, stride: int, name: str, conv: dict, batch_norm):
    shortcut = x
    if stride != 1 or x.shape[-1] != width:
        shortcut = layers.Conv2D(width, 1, strides=stride, name=f"{name}_proj", **conv)(x)
        shortcut = batch_norm(f"{name}_proj_bn")(shortcut)
    y = layers.Conv2D(width, 3, strides=stride, name=f"{name}_conv1", **conv)(x)
    y = batch_norm(f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(width, 3, name=f"{name}_conv2", **conv)(y)
    y = batch_norm(f"{name}_bn2")(y)
    y = layers.Add(name=f"{name}_add")([shortcut, y])
    return layers.Activation("relu", name=f"{name}_out")(y)
