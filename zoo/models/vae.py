"""A convolutional variational auto-encoder that trains with plain ``fit`` on any backend.

    vae = zoo.build("vae")                      # 28x28x1, latent 32 (IDL A2)
    vae.compile(optimizer="adam")
    vae.fit(zoo.data.images("fashion_mnist", "train"), epochs=20)
    z_mean, z_log_var = vae.encoder.predict(images)
    samples = vae.generate(16)

The KL term is added in ``call`` (``add_loss``) and the reconstruction term in
``compute_loss``, Keras 3's backend-neutral hooks; ``reconstruction_loss`` and
``kl_loss`` show in the progress bar next to ``loss``.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from zoo import saving
from zoo.models import autoencoder, common

RECONSTRUCTIONS = ("bce", "mse")


@saving.serializable
class Sampling(layers.Layer):
    """The reparameterisation trick: ``z = mean + exp(log_var / 2) * eps`` while training,
    ``z = mean`` otherwise (so that ``predict`` is deterministic)."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var, training=False):
        if not training:
            return z_mean
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@saving.serializable
class VAE(keras.Model):
    """An ``encoder`` ``images -> [z_mean, z_log_var]`` and a ``decoder`` ``z -> images``.

    The loss per image is the reconstruction error summed over pixels (``"bce"`` for
    images in [0, 1], or ``"mse"``) plus ``beta`` times the KL divergence from N(0, I),
    averaged over the batch. Train on images alone or on ``(images, targets)``.
    """

    def __init__(self, encoder, decoder, *, beta=1.0, reconstruction="bce", seed=None, **kwargs):
        super().__init__(**kwargs)
        common.check_choice("reconstruction", reconstruction, RECONSTRUCTIONS)
        common.check_non_negative("beta", beta)
        self.encoder = encoder
        self.decoder = decoder
        self.latent_dim = int(decoder.input_shape[-1])
        self.beta = float(beta)
        self.reconstruction = reconstruction
        self.seed = seed
        self.sampler = Sampling(seed=seed, name="sampling")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")
        self.built = True

    def call(self, images, training=False):
        z_mean, z_log_var = self.encoder(images, training=training)
        z = self.sampler(z_mean, z_log_var, training=training)
        kl = -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
        self.add_loss(self.beta * ops.mean(kl))
        return self.decoder(z, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        target = x if y is None else y
        target = ops.cast(target, y_pred.dtype)
        if self.reconstruction == "bce":
            errors = ops.binary_crossentropy(target, y_pred)
        else:
            errors = ops.square(target - y_pred)
        reconstruction = ops.mean(ops.sum(errors, axis=tuple(range(1, len(y_pred.shape)))))
        kl = sum(self.losses)  # Python's sum: a list of tensors on JAX (see DESIGN.md)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        # The base adds the KL term (self.losses) and any compiled loss.
        return reconstruction + super().compute_loss(x, y, y_pred, sample_weight, training)

    def encode(self, images, batch_size: int = 256):
        """The latent means of ``images`` (numpy)."""
        return np.asarray(self.encoder.predict(images, batch_size=batch_size, verbose=0)[0])

    def generate(self, n_or_noise, seed=0, batch_size: int = 256):
        """Images decoded from ``n`` standard-normal points (numpy ``seed``), or from given z."""
        return common.generate(self.decoder, n_or_noise, seed, batch_size)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "reconstruction": self.reconstruction,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("encoder", "decoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def build_vae(
    input_shape=(28, 28, 1),
    latent_dim: int = 32,
    *,
    filters=(32, 64),
    kernel_size: int = 3,
    strides=2,
    activation: str = "relu",
    dense_units=(),
    decoder_filters=None,
    decoder_strides=None,
    decoder_start_channels: int | None = None,
    output_conv: bool = True,
    output_activation: str = "sigmoid",
    reconstruction: str = "bce",
    beta: float = 1.0,
    seed: int | None = None,
    name: str = "vae",
) -> VAE:
    """Encoder ``conv1..n`` -> flatten -> (``dense1..``) -> dense ``z_mean`` and ``z_log_var``;
    decoder dense ``project`` -> reshape -> ``deconv1..m`` -> ``output`` conv (the CAE's
    stacks, see ``build_cae`` for the decoder options)."""
    input_shape = common.check_shape(input_shape, 3)
    autoencoder.check_latent_dim(latent_dim)
    if not isinstance(kernel_size, int) or kernel_size < 1:
        raise ValueError(f"`kernel_size` must be a positive int. Received: {kernel_size!r}")
    common.check_choice("activation", activation, common.ACTIVATIONS)
    common.check_choice("output_activation", output_activation, common.ACTIVATIONS)
    common.check_choice("reconstruction", reconstruction, RECONSTRUCTIONS)
    dense_units = common.check_positive_ints("dense_units", dense_units) if dense_units else ()
    filters, strides, dec_filters, dec_strides, start = autoencoder.decoder_plan(
        input_shape, filters, strides, decoder_filters, decoder_strides, output_conv, True
    )

    images = keras.Input(input_shape, name="images")
    x = autoencoder.conv_stack(
        images, filters, strides, kernel_size=kernel_size, activation=activation
    )
    x = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(dense_units, start=1):
        x = layers.Dense(units, activation=activation, name=f"dense{i}")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    encoder = keras.Model(images, [z_mean, z_log_var], name="encoder")

    z = keras.Input((latent_dim,), name="z")
    y = autoencoder.dense_to_map(z, start, decoder_start_channels or filters[-1], "linear")
    y = autoencoder.deconv_stack(
        y,
        dec_filters,
        dec_strides,
        kernel_size=kernel_size,
        activation=activation,
        output_conv=output_conv,
        channels=input_shape[-1],
        output_activation=output_activation,
    )
    decoder = keras.Model(z, y, name="decoder")
    return VAE(encoder, decoder, beta=beta, reconstruction=reconstruction, seed=seed, name=name)
