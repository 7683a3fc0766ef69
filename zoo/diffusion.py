"""Denoising diffusion in a CAE's latent space (or in pixel space): COSC420 A1's 10-step
scheme and a proper noise schedule, on the same UNet family (``zoo.models.unet``).

    cae = zoo.build("cae", input_shape=(32, 32, 1), filters=(32, 8))  # latent 8x8x8, trained
    encoder, decoder = cae.get_layer("encoder"), cae.get_layer("decoder")

    unet = zoo.build("unet", noise_input=False)
    ten_step = zoo.diffusion.TenStepDenoiser(unet, encoder, decoder)
    ten_step.compile(optimizer=keras.optimizers.Adam(1e-4))
    ten_step.fit(zoo.data.images("fashion_mnist", "train", image_size=32, batch_size=16))

    ddim = zoo.diffusion.Diffusion(zoo.build("unet"), encoder, decoder)
    ddim.adapt(train_images)                  # the latents' mean and std, per channel
    ddim.compile(optimizer="adam")
    ddim.fit(...)

    trajectories = ddim.sample(8, steps=20, seed=0)  # (8, 21, 32, 32, 1), noise to image
    images = ddim.generate(1000, seed=0)             # the last step alone

``TenStepDenoiser`` is COSC420 A1's scheme: each image gets 10 cumulative noise levels,
each clamped to [0, 1], all encoded by the frozen encoder; the UNet learns to map the
latent of level k to that of level k-1 (MSE). Sampling starts from N(0.5, s) noise
clamped to [0, 1] (the report's fix for the colour shift), encodes it, applies the
UNet ``steps`` times and decodes every step.

``Diffusion`` is a denoising diffusion model with a cosine schedule: each image gets
a random noise level, the UNet predicts the Gaussian noise given the noisy latent
and the noise variance, and ``sample`` runs the deterministic DDIM update over a
chosen number of steps. Both train under plain ``fit`` on images on any backend:
the noising is drawn in ``call`` from a ``keras.random.SeedGenerator`` and the loss
is added there (``add_loss``), Keras 3's backend-neutral hooks.
"""

from __future__ import annotations

import math
from pathlib import Path

import keras
import numpy as np
from keras import ops

from zoo import saving
from zoo.figures import plots
from zoo.progress import progress

# COSC420 A1 adds noise 10 times, "from a bit of noise to almost pure noise": standard
# deviations rising linearly, which add up to about 0.98 (clamped to [0, 1] each time).
TEN_STEP_NOISE_LEVELS = tuple(float(v) for v in np.round(np.linspace(0.05, 0.5, 10), 4))
SEED_NOISE_LEVELS = TEN_STEP_NOISE_LEVELS  # old name; removed in a later release


def check_noise_levels(noise_levels) -> tuple[float, ...]:
    levels = tuple(float(v) for v in np.ravel(noise_levels))
    if not levels or not all(0.0 < v <= 1.0 for v in levels):
        raise ValueError(
            "`noise_levels` are the standard deviations of the noise each step adds to "
            "images in [0, 1]: one or more numbers in (0, 1]. "
            f"Received: noise_levels={noise_levels!r}"
        )
    return levels


def check_steps(steps, name: str = "steps") -> int:
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"`{name}` must be an integer >= 1. Received: {name}={steps!r}")
    return int(steps)


def check_count(n) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"The number of images must be an integer >= 1. Received: n={n!r}")
    return int(n)


def cumulative_noise(images, noise_levels=TEN_STEP_NOISE_LEVELS, seed=None, *, clamp=True):
    """COSC420 A1's Figure 4: ``(n, H, W, C)`` images in [0, 1] -> ``(n, levels + 1, H, W,
    C)``, level 0 the images and level k level k-1 plus N(0, noise_levels[k-1]^2)
    noise, clamped to [0, 1]. ``seed``: an int, None or a ``keras.random.SeedGenerator``
    (an int gives the same levels every call, on one backend). ``clamp=False`` leaves
    the levels unclamped: COSC420 A1's first attempt, whose samples darkened (Figure 9)."""
    levels = check_noise_levels(noise_levels)
    if not isinstance(seed, keras.random.SeedGenerator):
        seed = keras.random.SeedGenerator(seed)
    x = ops.cast(images, "float32")
    noisy = [x]
    for std in levels:
        x = x + std * keras.random.normal(ops.shape(x), seed=seed)
        x = ops.clip(x, 0.0, 1.0) if clamp else x
        noisy.append(x)
    return ops.stack(noisy, axis=1)


def start_noise(
    n: int, shape, seed=0, *, mean: float = 0.5, std: float | None = None, clamp: bool = True
):
    """COSC420 A1's starting images: N(0.5, std) per pixel, clamped to [0, 1]. ``mean=0``
    is its first attempt: half the pixels clamp to black, and its samples came out red
    and purple (Figure 10). ``std`` defaults to the total standard deviation of
    ``TEN_STEP_NOISE_LEVELS``."""
    if std is None:
        std = math.sqrt(sum(v * v for v in TEN_STEP_NOISE_LEVELS))
    noise = np.random.default_rng(seed).normal(mean, std, (n, *shape)).astype(np.float32)
    return np.clip(noise, 0.0, 1.0) if clamp else noise


class LatentModel(keras.Model):
    """What both schemes share: a UNet, and optionally an encoder/decoder pair whose
    latent space the UNet works in (without them it works on the images). The pair is
    frozen (``trainable = False``): train the auto-encoder first."""

    def __init__(self, unet, encoder=None, decoder=None, *, seed=None, **kwargs):
        super().__init__(**kwargs)
        if (encoder is None) != (decoder is None):
            raise ValueError("Give both `encoder` and `decoder` (latent space), or neither.")
        unet_shape = tuple(unet.input_shape[0] if self.conditioned else unet.input_shape)[1:]
        if encoder is not None:
            latent = tuple(encoder.output_shape[1:])
            if latent != unet_shape or tuple(decoder.input_shape[1:]) != latent:
                raise ValueError(
                    f"The UNet works on {unet_shape} latents but the encoder makes {latent} "
                    f"and the decoder takes {tuple(decoder.input_shape[1:])}. Build the UNet "
                    f"with input_shape={latent}, or use a matching auto-encoder."
                )
            encoder.trainable = False
            decoder.trainable = False
            self.image_shape = tuple(encoder.input_shape[1:])
        else:
            self.image_shape = unet_shape
        self.unet = unet
        self.encoder = encoder
        self.decoder = decoder
        self.latent_shape = unet_shape
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    conditioned = False  # whether the UNet takes the noise level as a second input

    def encode(self, images, training=False):
        if self.encoder is None:
            return ops.cast(images, "float32")
        return self.encoder(images, training=training)

    def decode(self, latents, batch_size: int = 256) -> np.ndarray:
        """Images in [0, 1] (numpy) from latents."""
        if self.decoder is None:
            images = np.asarray(latents)
        else:
            images = self.decoder.predict(latents, batch_size=batch_size, verbose=0)
        return np.clip(np.asarray(images, np.float32), 0.0, 1.0)

    def generate(
        self, n: int, seed=0, *, steps=None, batch_size: int = 256, verbose="auto"
    ) -> np.ndarray:
        """``n`` images: the last step of ``sample``."""
        trajectories = self.sample(
            n, steps=steps, seed=seed, batch_size=batch_size, verbose=verbose
        )
        return trajectories[:, -1]

    def sample(self, n, *, steps=None, seed=0, batch_size: int = 256, verbose="auto"):
        raise NotImplementedError

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "unet": keras.saving.serialize_keras_object(self.unet),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("unet", "encoder", "decoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


@saving.serializable
class TenStepDenoiser(LatentModel):
    """COSC420 A1's denoiser: 10 cumulative noise levels, 10 denoising steps; the UNet maps
    the latent of noise level k to that of level k-1. ``clamp``: each level clamped to
    [0, 1], the report's fix (False: Figure 9's darkening)."""

    def __init__(
        self,
        unet,
        encoder=None,
        decoder=None,
        *,
        noise_levels=TEN_STEP_NOISE_LEVELS,
        clamp=True,
        seed=None,
        **kwargs,
    ):
        super().__init__(unet, encoder, decoder, seed=seed, **kwargs)
        if len(unet.inputs) != 1:
            raise ValueError("The 10-step scheme uses a UNet without a noise input.")
        self.noise_levels = check_noise_levels(noise_levels)
        self.clamp = bool(clamp)

    def call(self, images, training=False):
        steps = len(self.noise_levels)
        noisy = cumulative_noise(images, self.noise_levels, self.seed_generator, clamp=self.clamp)
        latents = self.encode(ops.reshape(noisy, (-1, *self.image_shape)))
        latents = ops.reshape(latents, (-1, steps + 1, *self.latent_shape))
        inputs = ops.reshape(latents[:, 1:], (-1, *self.latent_shape))
        targets = ops.reshape(latents[:, :-1], (-1, *self.latent_shape))
        predicted = self.unet(inputs, training=training)
        self.add_loss(ops.mean(ops.square(predicted - targets)))
        return predicted

    def sample(
        self, n_or_noise, *, steps=None, seed=0, batch_size: int = 256, verbose="auto"
    ) -> np.ndarray:
        """Trajectories ``(n, steps + 1, H, W, C)`` in [0, 1]: the starting noise, then the
        decoded latents after each UNet step (``steps`` defaults to the noise levels).
        ``n_or_noise``: a count, or starting images (``start_noise``). ``verbose``: a bar
        over the steps unless 0, as in ``model.predict``."""
        steps = len(self.noise_levels) if steps is None else check_steps(steps)
        if isinstance(n_or_noise, (int, np.integer)):
            noise = start_noise(check_count(n_or_noise), self.image_shape, seed)
        else:
            noise = np.asarray(n_or_noise, np.float32)
        if self.encoder is None:
            latents = noise
        else:
            latents = self.encoder.predict(noise, batch_size=batch_size, verbose=0)
        frames = [np.clip(noise, 0.0, 1.0)]
        title = f"Denoising {len(noise)} images in {steps} steps"
        for _ in progress(range(steps), steps, verbose=verbose, title=title):
            latents = self.unet.predict(latents, batch_size=batch_size, verbose=0)
            frames.append(self.decode(latents, batch_size))
        return np.stack(frames, axis=1)

    def get_config(self):
        return {
            **super().get_config(),
            "noise_levels": list(self.noise_levels),
            "clamp": self.clamp,
        }


SeedDenoiser = TenStepDenoiser  # old name; removed in a later release
# .keras files saved before the rename name the class "zoo>SeedDenoiser".
keras.saving.get_custom_objects()["zoo>SeedDenoiser"] = TenStepDenoiser


@saving.serializable
class Diffusion(LatentModel):
    """A denoising diffusion model (noise prediction, cosine schedule, DDIM sampling).

    The latents are standardised per channel with statistics from ``adapt``, which also
    records their range; the sampler clips each estimate of the clean latent to it. The
    signal rate runs from ``max_signal_rate`` (time 0) down to ``min_signal_rate`` (time 1).
    """

    conditioned = True

    def __init__(
        self,
        unet,
        encoder=None,
        decoder=None,
        *,
        min_signal_rate: float = 0.02,
        max_signal_rate: float = 0.95,
        seed=None,
        **kwargs,
    ):
        if len(unet.inputs) != 2:
            raise ValueError(
                "A diffusion model needs a UNet with a noise-level input: "
                "zoo.build('unet', noise_input=True)."
            )
        super().__init__(unet, encoder, decoder, seed=seed, **kwargs)
        if not 0.0 < min_signal_rate < max_signal_rate < 1.0:
            raise ValueError(
                "The signal rates must satisfy 0 < min_signal_rate < max_signal_rate < 1. "
                f"Received: min_signal_rate={min_signal_rate}, max_signal_rate={max_signal_rate}"
            )
        self.min_signal_rate = float(min_signal_rate)
        self.max_signal_rate = float(max_signal_rate)
        channels = self.latent_shape[-1]
        self.latent_mean = self.add_weight(
            shape=(channels,), initializer="zeros", trainable=False, name="latent_mean"
        )
        self.latent_std = self.add_weight(
            shape=(channels,), initializer="ones", trainable=False, name="latent_std"
        )
        # The standardised latents' range in the data: the sampler keeps its estimates of
        # the clean latent inside it (a ReLU latent is never negative, say).
        self.latent_min = self.add_weight(
            shape=(channels,),
            initializer=keras.initializers.Constant(-np.inf),
            trainable=False,
            name="latent_min",
        )
        self.latent_max = self.add_weight(
            shape=(channels,),
            initializer=keras.initializers.Constant(np.inf),
            trainable=False,
            name="latent_max",
        )

    def adapt(self, images, batch_size: int = 256, *, verbose="auto") -> None:
        """Set the per-channel mean and std of the latents (or pixels) of ``images``
        (``verbose`` goes to the encoder's ``predict``)."""
        if self.encoder is None:
            latents = np.asarray(images, np.float32)
        else:
            latents = self.encoder.predict(
                np.asarray(images), batch_size=batch_size, verbose=verbose
            )
        axes = tuple(range(latents.ndim - 1))
        mean = latents.mean(axis=axes)
        std = np.maximum(latents.std(axis=axes), 1e-6)
        standardised = (latents - mean) / std
        self.latent_mean.assign(mean)
        self.latent_std.assign(std)
        self.latent_min.assign(standardised.min(axis=axes))
        self.latent_max.assign(standardised.max(axis=axes))

    def rates(self, times):
        """Cosine schedule: (noise rate, signal rate) at diffusion times in [0, 1]."""
        start = math.acos(self.max_signal_rate)
        end = math.acos(self.min_signal_rate)
        angles = start + times * (end - start)
        return ops.sin(angles), ops.cos(angles)

    def call(self, images, training=False):
        latents = (self.encode(images) - self.latent_mean) / self.latent_std
        batch = ops.shape(latents)[0]
        times = keras.random.uniform((batch, 1, 1, 1), seed=self.seed_generator)
        noise_rates, signal_rates = self.rates(times)
        noise = keras.random.normal(ops.shape(latents), seed=self.seed_generator)
        noisy = signal_rates * latents + noise_rates * noise
        variance = ops.reshape(ops.square(noise_rates), (batch, 1))
        predicted = self.unet([noisy, variance], training=training)
        self.add_loss(ops.mean(ops.square(predicted - noise)))
        return predicted

    def sample(self, n, *, steps=20, seed=0, batch_size: int = 256, verbose="auto") -> np.ndarray:
        """DDIM from standard-normal latents (numpy ``seed``) to images over ``steps``
        steps: trajectories ``(n, steps + 1, H, W, C)`` in [0, 1], the decoded starting
        noise and then each step's estimate of the clean image. ``verbose``: a bar over
        the steps unless 0, as in ``model.predict``."""
        steps = check_steps(20 if steps is None else steps)
        n = check_count(n)
        mean, std, low, high = (
            np.asarray(w)
            for w in (self.latent_mean, self.latent_std, self.latent_min, self.latent_max)
        )
        noisy = np.random.default_rng(seed).standard_normal((n, *self.latent_shape))
        noisy = noisy.astype(np.float32)
        frames = [self.decode(noisy * std + mean, batch_size)]
        times = np.linspace(1.0, 0.0, steps + 1, dtype=np.float32)
        pairs = zip(times[:-1], times[1:])
        title = f"DDIM sampling {n} images in {steps} steps"
        for now, after in progress(pairs, steps, verbose=verbose, title=title):
            noise_rate, signal_rate = (float(r) for r in self.rates(now))
            variance = np.full((n, 1), noise_rate**2, np.float32)
            noise = self.unet.predict([noisy, variance], batch_size=batch_size, verbose=0)
            clean = np.clip((noisy - noise_rate * noise) / signal_rate, low, high)
            frames.append(self.decode(clean * std + mean, batch_size))
            next_noise_rate, next_signal_rate = (float(r) for r in self.rates(after))
            noisy = (next_signal_rate * clean + next_noise_rate * noise).astype(np.float32)
        return np.stack(frames, axis=1)

    def get_config(self):
        return {
            **super().get_config(),
            "min_signal_rate": self.min_signal_rate,
            "max_signal_rate": self.max_signal_rate,
        }


class SampleTrajectories(keras.callbacks.Callback):
    """Save the trajectories of ``n`` fixed noise seeds every ``every`` epochs
    (COSC420 A1, Figure 8) as ``directory/epoch_NNN.png``."""

    def __init__(self, directory, *, every: int = 1, n: int = 8, steps=None, seed=0):
        super().__init__()
        self.directory = Path(directory)
        self.every = check_steps(every, "every")
        self.n, self.steps, self.seed = n, steps, seed

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        # Quiet: a bar of its own would break into the epoch's progress bar.
        trajectories = self.model.sample(self.n, steps=self.steps, seed=self.seed, verbose=0)
        self.directory.mkdir(parents=True, exist_ok=True)
        plot_trajectories(
            trajectories,
            self.directory / f"epoch_{epoch + 1:03d}.png",
            title=f"{self.model.name}, epoch {epoch + 1}",
        )


def plot_trajectories(trajectories, path=None, *, title=None):
    """One row per noise seed, noise on the left and the image on the right (Figure 8)."""
    trajectories = np.asarray(trajectories)
    steps = trajectories.shape[1] - 1
    labels = ["noise"] + [f"step {k}" for k in range(1, steps + 1)]
    return plots.plot_image_grid(trajectories, path, col_labels=labels, title=title)


def plot_noising(images, path=None, *, noise_levels=TEN_STEP_NOISE_LEVELS, seed=0, title=None):
    """Each image at every cumulative noise level, one row per image (Figure 4)."""
    noisy = np.asarray(cumulative_noise(images, noise_levels, seed))
    labels = ["image"] + [f"level {k}" for k in range(1, noisy.shape[1])]
    return plots.plot_image_grid(noisy, path, col_labels=labels, title=title)
