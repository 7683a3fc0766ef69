"""UNet denoisers: convs and max-pools down, a conv bottleneck, transposed convs up, with
the skip of each level concatenated on the way up (COSC420 A1, Table 9).

    unet = zoo.build("cosc420_unet")     # 12x12x64 -> 12x12x64, 15,892,864 parameters
    unet = zoo.build("unet")             # [latents, noise level] -> predicted noise

With ``noise_input=True`` the model takes a second input, the noise level of each
example (shape ``(1,)``), embeds it with sinusoids and adds it to the first conv of
every level: the conditioning a proper diffusion model needs (``zoo.diffusion``).
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from zoo import saving
from zoo.models import common
from zoo.models.autoencoder import conv_stack, deconv_initializers
from zoo.models.layers import Conv2DTranspose, MaxPooling2D


@saving.serializable
class SinusoidalEmbedding(layers.Layer):
    """``(batch, 1)`` noise levels -> ``(batch, dim)`` sines and cosines of log-spaced
    frequencies from 1 to ``max_frequency`` (the Transformer's position embedding)."""

    def __init__(self, dim: int = 32, max_frequency: float = 1000.0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(dim, int) or dim < 2 or dim % 2:
            raise ValueError(f"`dim` must be an even integer >= 2. Received: dim={dim!r}")
        self.dim = dim
        self.max_frequency = float(max_frequency)

    def call(self, levels):
        exponents = ops.linspace(0.0, 1.0, self.dim // 2)
        frequencies = ops.exp(exponents * math.log(self.max_frequency))
        angles = 2.0 * math.pi * ops.cast(levels, "float32") * frequencies
        return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.dim)

    def get_config(self):
        return {**super().get_config(), "dim": self.dim, "max_frequency": self.max_frequency}


def check_divisible(input_shape, levels: int) -> None:
    """The pools halve the map ``levels`` times and the transposed convs double it back."""
    scale = 2**levels
    height, width = input_shape[:2]
    if height % scale or width % scale:
        raise ValueError(
            f"A UNet with {levels} max-pool(s) needs a height and width divisible by {scale}, "
            f"so that the transposed convs give the input size back. Received: "
            f"input_shape={tuple(input_shape)}. Pick a latent (or image) size that {scale} "
            "divides, or fewer `widths`."
        )


def build_unet(
    input_shape=(8, 8, 8),
    *,
    widths=(64, 128),
    convs_per_level: int = 2,
    bottleneck=(256, 128),
    top_filters: int | None = None,
    activation: str = "relu",
    noise_input: bool = False,
    embedding_dim: int = 32,
    output_channels: int | None = None,
    kernel_initializer: str = "glorot_uniform",
    name: str = "unet",
) -> keras.Model:
    """A UNet ``latents (h, w, c) -> (h, w, output_channels)`` (default: ``c``).

    Level ``i`` has ``convs_per_level`` 3x3 convs ``down{i}_1..`` of ``widths[i]``
    filters and a 2x2 max-pool; the ``bottleneck`` convs follow. Going back up, level
    ``i`` has a 3x3/2 transposed conv ``up{i}_1`` and ``convs_per_level - 2`` convs of
    ``widths[i]`` filters, then the concatenation with ``down{i}_{last}`` and a conv
    ``up{i}_{last}`` to ``widths[i - 1]`` filters; at the top level, to ``top_filters``
    (default ``widths[0]``; Table 9 uses the input's channels, 64). A linear 3x3 conv
    ``output`` ends the model. Layer names follow Table 9. ``kernel_initializer="torch"``
    initialises every conv, transposed conv and dense layer as PyTorch does.
    """
    input_shape = common.check_shape(input_shape, 3)
    widths = common.check_positive_ints("widths", widths)
    bottleneck = common.check_positive_ints("bottleneck", bottleneck)
    if not isinstance(convs_per_level, int) or convs_per_level < 2:
        raise ValueError(
            "`convs_per_level` must be an integer >= 2 (going up, one transposed conv and "
            f"one conv after the skip). Received: convs_per_level={convs_per_level!r}"
        )
    common.check_choice("activation", activation, common.ACTIVATIONS)
    common.check_choice("kernel_initializer", kernel_initializer, common.INITIALIZERS)
    check_divisible(input_shape, len(widths))
    channels = input_shape[-1]
    output_channels = channels if output_channels is None else output_channels
    common.check_positive_ints("output_channels", output_channels)
    # A top conv as narrow as a few latent channels, with a ReLU, would pass on only the
    # positive half of what the output must predict (noise is signed): widths[0] default.
    top_filters = widths[0] if top_filters is None else top_filters
    common.check_positive_ints("top_filters", top_filters)

    latents = keras.Input(input_shape, name="latents")
    inputs = [latents]
    embedding = None
    if noise_input:
        level = keras.Input((1,), name="noise_level")
        inputs.append(level)
        embedding = SinusoidalEmbedding(embedding_dim, name="noise_embedding")(level)
        embedding = layers.Dense(
            4 * embedding_dim,
            activation="swish",
            name="noise_dense",
            **common.weight_initializers(kernel_initializer, embedding_dim),
        )(embedding)

    def condition(x, width, name):
        """Add the noise level's projection to every pixel of ``x``."""
        if embedding is None:
            return x
        shift = layers.Dense(
            width,
            name=f"{name}_noise",
            **common.weight_initializers(kernel_initializer, embedding.shape[-1]),
        )(embedding)
        shift = layers.Reshape((1, 1, width), name=f"{name}_noise_map")(shift)
        return layers.Add(name=f"{name}_conditioned")([x, shift])

    def conv3x3(x, width, prefix, number):
        """The 3x3 conv (and activation) named ``{prefix}{number}``."""
        return conv_stack(
            x,
            [width],
            [1],
            kernel_size=3,
            activation=activation,
            prefix=prefix,
            first=number,
            kernel_initializer=kernel_initializer,
        )

    x = latents
    skips = []
    for i, width in enumerate(widths, start=1):
        for j in range(1, convs_per_level + 1):
            x = conv3x3(x, width, f"down{i}_", j)
            if j == 1:
                x = condition(x, width, f"down{i}")
        skips.append(x)
        x = MaxPooling2D(2, name=f"pool{i}")(x)
    for j, width in enumerate(bottleneck, start=1):
        x = conv3x3(x, width, "bottleneck", j)
        if j == 1:
            x = condition(x, width, "bottleneck")
    for i in range(len(widths), 0, -1):
        width = widths[i - 1]
        inside = common.fused(activation, False)
        x = Conv2DTranspose(
            width,
            3,
            strides=2,
            padding="same",
            activation=inside,
            name=f"up{i}_1",
            **deconv_initializers(kernel_initializer, width, 3),
        )(x)
        if not inside:
            x = common.activation_layer(activation, name=f"up{i}_1_act")(x)
        x = condition(x, width, f"up{i}")
        for j in range(2, convs_per_level):
            x = conv3x3(x, width, f"up{i}_", j)
        x = layers.Concatenate(name=f"skip{i}")([x, skips[i - 1]])
        x = conv3x3(x, widths[i - 2] if i > 1 else top_filters, f"up{i}_", convs_per_level)
    outputs = layers.Conv2D(
        output_channels,
        3,
        padding="same",
        name="output",
        **common.conv_initializers(kernel_initializer, x, 3),
    )(x)
    return keras.Model(inputs if noise_input else latents, outputs, name=name)
