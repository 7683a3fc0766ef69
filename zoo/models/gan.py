"""DCGAN-style generative adversarial networks that train with ``fit`` on TensorFlow and JAX.

    gan = zoo.build("gan")                      # 28x28x1, latent 256 (IDL A2)
    gan.compile()                               # Adam(2e-4, beta_1=0.5) for each network
    gan.fit(zoo.data.images("fashion_mnist", "train"), epochs=20)
    images = gan.generate(16)

Each batch updates the discriminator with its own optimizer, then the generator with
another; ``d_loss`` and ``g_loss`` show in the progress bar and reach callbacks like any
metric. The step is written once in ``keras.ops``; only its gradients and JAX's
state handling differ per backend (``zoo.models.train_steps``).
"""

from __future__ import annotations

import keras
from keras import layers, ops

from zoo import saving
from zoo.models import common, train_steps
from zoo.models.layers import Conv2DTranspose

LEAKY_SLOPE = 0.2  # DCGAN's


def dcgan_optimizer():
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


@saving.serializable
class GAN(keras.Model):
    """A generator ``noise -> images`` and a discriminator ``images -> logit``.

    Calling the GAN (``predict``) runs the generator on the given noise.
    """

    def __init__(self, generator, discriminator, *, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(generator.input_shape[-1])
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.built = True

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def compile(self, d_optimizer=None, g_optimizer=None, *, optimizer=None, **kwargs):
        """Adam(2e-4, beta_1=0.5) for each network unless given (names, configs or objects)."""
        if optimizer is None:
            optimizer = train_steps.OptimizerPair(
                d_optimizer or dcgan_optimizer(), g_optimizer or dcgan_optimizer()
            )
        elif not isinstance(optimizer, train_steps.OptimizerPair):
            raise ValueError(
                "A GAN trains with two optimizers: pass d_optimizer= and g_optimizer= "
                f"(or an OptimizerPair). Received: optimizer={optimizer!r}"
            )
        if kwargs.get("loss") is not None:
            raise ValueError(f"A GAN computes its own losses. Received: loss={kwargs['loss']!r}")
        super().compile(optimizer=optimizer, **kwargs)
        optimizer.d_optimizer.build(self.discriminator.trainable_variables)
        optimizer.g_optimizer.build(self.generator.trainable_variables)

    def get_compile_config(self):
        if self.compiled:
            return {"optimizer": keras.optimizers.serialize(self.optimizer)}
        return None

    def compile_from_config(self, config):
        self.compile(optimizer=keras.optimizers.deserialize(config["optimizer"]))
        self.optimizer.build(self.trainable_variables)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, *args):
        return train_steps.train_step(self, args, self._step)

    def test_step(self, *args):
        return train_steps.test_step(self, args, self._evaluate)

    def _step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        batch = ops.shape(real)[0]
        d, g, pair = self.discriminator, self.generator, self.optimizer

        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        fake = g(noise, training=True)
        images = ops.concatenate([real, ops.cast(fake, real.dtype)], axis=0)
        labels = ops.concatenate([ops.ones((batch, 1)), ops.zeros((batch, 1))], axis=0)
        d_loss, d_state, grads = train_steps.value_and_grad(
            self._discriminator_loss, [v.value for v in d.trainable_variables], images, labels
        )
        _assign(d.non_trainable_variables, d_state)
        pair.d_optimizer.apply(grads, d.trainable_variables)

        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        g_loss, (g_state, d_state), grads = train_steps.value_and_grad(
            self._generator_loss, [v.value for v in g.trainable_variables], noise
        )
        _assign(g.non_trainable_variables, g_state)
        _assign(d.non_trainable_variables, d_state)
        pair.g_optimizer.apply(grads, g.trainable_variables)
        pair.iterations.assign_add(1)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    def _evaluate(self, data):
        """Both losses without updates (``evaluate``, ``fit(validation_data=...)``)."""
        real = data[0] if isinstance(data, (tuple, list)) else data
        batch = ops.shape(real)[0]
        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        fake = ops.cast(self.generator(noise, training=False), real.dtype)
        logits = self.discriminator(ops.concatenate([real, fake], axis=0), training=False)
        labels = ops.concatenate([ops.ones((batch, 1)), ops.zeros((batch, 1))], axis=0)
        self.d_loss_tracker.update_state(_bce(labels, logits))
        self.g_loss_tracker.update_state(_bce(ops.ones((batch, 1)), logits[batch:]))
        return {m.name: m.result() for m in self.metrics}

    def _discriminator_loss(self, d_values, images, labels):
        d = self.discriminator
        state = [v.value for v in d.non_trainable_variables]
        logits, state = d.stateless_call(d_values, state, images, training=True)
        return _bce(labels, logits), state

    def _generator_loss(self, g_values, noise):
        d, g = self.discriminator, self.generator
        g_state = [v.value for v in g.non_trainable_variables]
        fake, g_state = g.stateless_call(g_values, g_state, noise, training=True)
        d_values = [v.value for v in d.trainable_variables]
        d_state = [v.value for v in d.non_trainable_variables]
        logits, d_state = d.stateless_call(d_values, d_state, fake, training=True)
        return _bce(ops.ones_like(logits), logits), (g_state, d_state)

    def generate(self, n_or_noise, seed=0, batch_size: int = 256):
        """Images from ``n`` standard-normal latent points (numpy ``seed``), or from given noise."""
        return common.generate(self.generator, n_or_noise, seed, batch_size)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def _assign(variables, values):
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)


def _bce(labels, logits):
    return ops.mean(ops.binary_crossentropy(labels, logits, from_logits=True))


def build_gan(
    input_shape=(28, 28, 1),
    latent_dim: int = 256,
    *,
    generator_filters=(128, 64),
    generator_start_channels: int | None = None,
    discriminator_filters=(64, 128),
    kernel_size: int = 4,
    batch_norm: bool = True,
    dropout: float = 0.3,
    output_activation: str = "sigmoid",
    seed: int | None = None,
    name: str = "gan",
) -> GAN:
    """Generator: dense ``project`` -> reshape -> ``deconv1..n`` (stride 2, BN, leaky ReLU)
    -> ``output`` conv; discriminator: ``conv1..m`` (stride 2, leaky ReLU) -> flatten ->
    dropout -> dense ``logit``. The generator starts from ``H / 2**n`` so that its
    ``n = len(generator_filters)`` upsamplings give back the image size exactly.
    ``generator_start_channels`` are the channels of that first map (default: the
    first deconv's filters), as the VAE's ``decoder_start_channels``.
    ``output_activation="sigmoid"`` matches images in [0, 1] (``normalize="unit"``).
    """
    from zoo.models.autoencoder import check_latent_dim

    height, width, channels = common.check_shape(input_shape, 3)
    check_latent_dim(latent_dim)
    g_filters = common.check_positive_ints("generator_filters", generator_filters)
    d_filters = common.check_positive_ints("discriminator_filters", discriminator_filters)
    common.check_rate("dropout", dropout)
    common.check_choice("output_activation", output_activation, common.ACTIVATIONS)
    if not isinstance(kernel_size, int) or kernel_size < 1:
        raise ValueError(f"`kernel_size` must be a positive int. Received: {kernel_size!r}")
    scale = 2 ** len(g_filters)
    if height % scale or width % scale:
        raise ValueError(
            f"The generator cannot make a {height}x{width} image exactly: its "
            f"{len(g_filters)} stride-2 upsamplings need height and width divisible by "
            f"{scale}. Resize the images or change generator_filters. "
            f"Received: input_shape={(height, width, channels)}"
        )

    start = g_filters[0] if generator_start_channels is None else generator_start_channels
    common.check_positive_ints("generator_start_channels", (start,))
    noise = keras.Input((latent_dim,), name="noise")
    x = layers.Dense(
        (height // scale) * (width // scale) * start, use_bias=not batch_norm, name="project"
    )(noise)
    x = layers.Reshape((height // scale, width // scale, start), name="reshape")(x)
    x = _norm_act(x, batch_norm, "project")
    for i, f in enumerate(g_filters, start=1):
        x = Conv2DTranspose(
            f, kernel_size, strides=2, padding="same", use_bias=not batch_norm, name=f"deconv{i}"
        )(x)
        x = _norm_act(x, batch_norm, f"deconv{i}")
    x = layers.Conv2D(
        channels, kernel_size, padding="same", activation=output_activation, name="output"
    )(x)
    generator = keras.Model(noise, x, name="generator")

    images = keras.Input((height, width, channels), name="images")
    y = images
    for i, f in enumerate(d_filters, start=1):
        y = layers.Conv2D(f, kernel_size, strides=2, padding="same", name=f"conv{i}")(y)
        y = layers.LeakyReLU(LEAKY_SLOPE, name=f"conv{i}_act")(y)
    y = layers.Flatten(name="flatten")(y)
    if dropout:
        y = layers.Dropout(dropout, seed=seed, name="dropout")(y)
    y = layers.Dense(1, name="logit")(y)
    discriminator = keras.Model(images, y, name="discriminator")
    return GAN(generator, discriminator, seed=seed, name=name)


def _norm_act(x, batch_norm, name):
    if batch_norm:
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.LeakyReLU(LEAKY_SLOPE, name=f"{name}_act")(x)
