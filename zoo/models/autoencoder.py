"""Convolutional auto-encoders: strided convs down, transposed convs back up (COSC420 A1, IDL A2).

``build_cae`` returns an ordinary functional model ``images -> reconstructions``
made of two named functional sub-models, ``model.get_layer("encoder")`` and
``model.get_layer("decoder")``, so the latent space can be used on its own.
With ``latent_dim`` the encoder ends in a dense latent vector; without it the
latent is the last conv's feature map (COSC420 A1's 12x12x64). The VAE reuses the
conv stacks and checks defined here.
"""

from __future__ import annotations

import math

import keras
from keras import layers

from zoo.models import common
from zoo.models.layers import Conv2DTranspose


def check_latent_dim(latent_dim) -> int:
    if not isinstance(latent_dim, int) or isinstance(latent_dim, bool) or latent_dim < 1:
        raise ValueError(
            f"`latent_dim` must be an integer >= 1. Received: latent_dim={latent_dim!r}"
        )
    return latent_dim


def decoder_plan(
    input_shape, filters, strides, decoder_filters, decoder_strides, output_conv, dense_latent
):
    """Check the encoder and decoder lists; return the decoder's filters, strides and the
    (height, width) it starts from, which the transposed convs must scale up exactly."""
    height, width, channels = input_shape
    filters = common.check_positive_ints("filters", filters)
    strides = common.check_positive_ints(
        "strides", common.per_layer("strides", strides, len(filters))
    )
    if decoder_filters is None:
        decoder_filters = filters[::-1] if output_conv else (*filters[-2::-1], channels)
    decoder_filters = common.check_positive_ints("decoder_filters", decoder_filters)
    if decoder_strides is None:
        decoder_strides = strides[::-1] if len(decoder_filters) == len(filters) else 2
    decoder_strides = common.check_positive_ints(
        "decoder_strides",
        common.per_layer("decoder_strides", decoder_strides, len(decoder_filters)),
    )
    if not output_conv and decoder_filters[-1] != channels:
        raise ValueError(
            f"The last transposed conv makes the output image, so it needs {channels} filters "
            f"(the input's channels), or use output_conv=True. "
            f"Received: decoder_filters={decoder_filters}"
        )
    scale = math.prod(decoder_strides)
    if dense_latent:
        fits = height % scale == 0 and width % scale == 0
        start = (height // scale, width // scale)
    else:
        down = math.prod(strides)
        fits = height % down == 0 and width % down == 0 and scale == down
        start = (height // down, width // down)
    if not fits:
        if dense_latent:
            why = f"the decoder's total stride ({scale}) must divide the height and width"
        else:
            why = (
                f"the encoder's total stride ({math.prod(strides)}) must divide the height and "
                f"width, and the decoder's total stride ({scale}) must equal it"
            )
        raise ValueError(
            f"The decoder cannot reproduce a {height}x{width} image exactly: {why}. Resize the "
            "images (zoo.data.load(..., image_size=...)) or change the strides. "
            f"Received: input_shape={tuple(input_shape)}"
        )
    return filters, strides, decoder_filters, decoder_strides, start


def conv_stack(
    x,
    filters,
    strides,
    *,
    kernel_size,
    activation,
    prefix="conv",
    first=1,
    kernel_initializer="glorot_uniform",
):
    """Strided ``same`` convs named ``conv{first}``, ``conv{first + 1}``, ..."""
    for i, (f, s) in enumerate(zip(filters, strides), start=first):
        inside = common.fused(activation, False)
        x = layers.Conv2D(
            f,
            kernel_size,
            strides=s,
            padding="same",
            activation=inside,
            name=f"{prefix}{i}",
            **common.conv_initializers(kernel_initializer, x, kernel_size),
        )(x)
        if not inside:
            x = common.activation_layer(activation, name=f"{prefix}{i}_act")(x)
    return x


def deconv_initializers(kind: str, filters: int, kernel_size: int) -> dict:
    """``common.weight_initializers`` for a transposed conv. PyTorch's nn.ConvTranspose2d
    weight is ``(in, out, kh, kw)``, so its fan_in is ``out * kh * kw``: the bias bound is
    1/sqrt(filters * k * k). Keras's VarianceScaling reads the same from the kernel's
    ``(kh, kw, filters, in)`` shape."""
    return common.weight_initializers(kind, filters * kernel_size * kernel_size)


def deconv_stack(
    x,
    filters,
    strides,
    *,
    kernel_size,
    activation,
    output_conv,
    channels,
    output_activation,
    kernel_initializer="glorot_uniform",
):
    """Transposed convs ``deconv1``, ...; the last one (or a final ``output`` conv) makes
    the image with ``output_activation``."""
    for i, (f, s) in enumerate(zip(filters, strides), start=1):
        last = i == len(filters) and not output_conv
        kind = output_activation if last else activation
        inside = common.fused(kind, False)
        x = Conv2DTranspose(
            f,
            kernel_size,
            strides=s,
            padding="same",
            activation=inside,
            name=f"deconv{i}",
            **deconv_initializers(kernel_initializer, f, kernel_size),
        )(x)
        if not inside:
            x = common.activation_layer(kind, name=f"deconv{i}_act")(x)
    if output_conv:
        x = layers.Conv2D(
            channels,
            kernel_size,
            padding="same",
            activation=output_activation,
            name="output",
            **common.conv_initializers(kernel_initializer, x, kernel_size),
        )(x)
    return x


def dense_to_map(latent, start, channels, activation, kernel_initializer="glorot_uniform"):
    """Dense ``latent -> h*w*c`` then reshape, where the decoder starts from a vector."""
    x = layers.Dense(
        start[0] * start[1] * channels,
        name="project",
        **common.weight_initializers(kernel_initializer, latent.shape[-1]),
    )(latent)
    x = layers.Reshape((*start, channels), name="reshape")(x)
    if activation != "linear":
        x = common.activation_layer(activation, name="project_act")(x)
    return x


def build_cae(
    input_shape=(28, 28, 1),
    *,
    filters=(32, 64),
    kernel_size: int = 3,
    strides=2,
    activation: str = "relu",
    latent_dim: int | None = None,
    latent_activation: str | None = None,
    decoder_filters=None,
    decoder_strides=None,
    decoder_start_channels: int | None = None,
    decoder_activation: str = "linear",
    output_conv: bool = False,
    output_activation: str = "sigmoid",
    kernel_initializer: str = "glorot_uniform",
    name: str = "cae",
) -> keras.Model:
    """Encoder ``conv1..n`` (``same`` padding) [-> flatten -> dense ``latent``], decoder
    [``project`` dense -> reshape ->] ``deconv1..m`` [-> ``output`` conv].

    ``latent_activation`` is the latent's: by default linear for a dense latent and
    ``activation`` for a conv one (COSC420 A1); ``"linear"`` suits a diffusion model's
    latent space, where a ReLU leaves channels dead or half zeros.
    ``decoder_filters`` defaults to the encoder's in reverse, ending in the image's
    channels (COSC420 A1: 32, 16, 3); with ``output_conv`` a final 3x3 conv makes the
    image instead (IDL A2). A dense latent starts the decoder from a
    ``decoder_start_channels``-deep map (default: the last conv's filters) sized so
    that the decoder's strides give back the input size exactly.
    ``kernel_initializer="torch"`` initialises every conv, transposed conv and dense
    layer as PyTorch does (``common.weight_initializers``).
    """
    input_shape = common.check_shape(input_shape, 3)
    if latent_dim is not None:
        check_latent_dim(latent_dim)
    if not isinstance(kernel_size, int) or kernel_size < 1:
        raise ValueError(f"`kernel_size` must be a positive int. Received: {kernel_size!r}")
    if latent_activation is None:
        latent_activation = "linear" if latent_dim is not None else activation
    for option, value in (
        ("activation", activation),
        ("latent_activation", latent_activation),
        ("decoder_activation", decoder_activation),
        ("output_activation", output_activation),
    ):
        common.check_choice(option, value, common.ACTIVATIONS)
    common.check_choice("kernel_initializer", kernel_initializer, common.INITIALIZERS)
    filters, strides, dec_filters, dec_strides, start = decoder_plan(
        input_shape,
        filters,
        strides,
        decoder_filters,
        decoder_strides,
        output_conv,
        latent_dim is not None,
    )
    start_channels = decoder_start_channels or filters[-1]
    common.check_positive_ints("decoder_start_channels", start_channels)

    init = kernel_initializer
    images = keras.Input(input_shape, name="images")
    if latent_dim is None:  # the last conv makes the latent
        x = conv_stack(
            images,
            filters[:-1],
            strides[:-1],
            kernel_size=kernel_size,
            activation=activation,
            kernel_initializer=init,
        )
        x = conv_stack(
            x,
            filters[-1:],
            strides[-1:],
            kernel_size=kernel_size,
            activation=latent_activation,
            first=len(filters),
            kernel_initializer=init,
        )
    else:
        x = conv_stack(
            images,
            filters,
            strides,
            kernel_size=kernel_size,
            activation=activation,
            kernel_initializer=init,
        )
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(
            latent_dim,
            activation=latent_activation,
            name="latent",
            **common.weight_initializers(init, x.shape[-1]),
        )(x)
    encoder = keras.Model(images, x, name="encoder")

    if latent_dim is not None:
        latent = keras.Input((latent_dim,), name="latent")
        y = dense_to_map(latent, start, start_channels, decoder_activation, init)
    else:
        latent = keras.Input(encoder.output.shape[1:], name="latent")
        y = latent
    y = deconv_stack(
        y,
        dec_filters,
        dec_strides,
        kernel_size=kernel_size,
        activation=activation,
        output_conv=output_conv,
        channels=input_shape[-1],
        output_activation=output_activation,
        kernel_initializer=init,
    )
    decoder = keras.Model(latent, y, name="decoder")

    inputs = keras.Input(input_shape, name="images")
    return keras.Model(inputs, decoder(encoder(inputs)), name=name)
