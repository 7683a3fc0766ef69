"""UNet denoisers and latent diffusion: COSC420 A1's cumulative noising and starting
noise, both schemes training and sampling on both backends, and bad input (Table 9's UNet
is checked row by row in test_reference_cosc420)."""

import zipfile

import keras
import numpy as np
import pytest

import zoo
from zoo import diffusion

# One tiny CAE and UNet shape for every test: on JAX each new weight shape compiles.
IMAGE = (16, 16, 1)
LATENT = (4, 4, 4)
TINY_UNET = dict(input_shape=LATENT, widths=(8, 8), bottleneck=(8,))


@pytest.fixture(scope="module")
def autoencoder():
    keras.utils.set_random_seed(0)
    cae = zoo.build("cae", input_shape=IMAGE, filters=(8, 4))
    return cae.get_layer("encoder"), cae.get_layer("decoder")


@pytest.fixture(scope="module")
def images():
    """Smooth blobs in [0, 1]: something with structure for the models to learn."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:16, :16] / 15.0
    centres = rng.random((64, 2))
    blobs = np.exp(-((yy - centres[:, :1, None]) ** 2 + (xx - centres[:, 1:, None]) ** 2) * 8)
    return blobs[..., None].astype(np.float32)


def ten_step_denoiser(autoencoder, seed=0):
    keras.utils.set_random_seed(seed)
    unet = zoo.build("unet", noise_input=False, **TINY_UNET)
    return diffusion.TenStepDenoiser(unet, *autoencoder, seed=seed)


def ddim(autoencoder, images, seed=0):
    keras.utils.set_random_seed(seed)
    model = diffusion.Diffusion(zoo.build("unet", **TINY_UNET), *autoencoder, seed=seed)
    model.adapt(images)
    return model


def test_the_conditioned_unet_takes_a_noise_level():
    unet = zoo.build("unet", **TINY_UNET)
    assert [tuple(i.shape[1:]) for i in unet.inputs] == [LATENT, (1,)]
    x = np.random.default_rng(0).normal(size=(2, *LATENT)).astype(np.float32)
    low, high = (unet([x, np.full((2, 1), v, np.float32)]) for v in (0.1, 0.9))
    assert low.shape == (2, *LATENT)
    assert not np.allclose(keras.ops.convert_to_numpy(low), keras.ops.convert_to_numpy(high))


def test_the_noising_is_cumulative_clamped_and_reproducible(images):
    noisy = keras.ops.convert_to_numpy(diffusion.cumulative_noise(images, seed=3))
    levels = len(diffusion.TEN_STEP_NOISE_LEVELS)
    assert noisy.shape == (64, levels + 1, *IMAGE)
    np.testing.assert_allclose(noisy[:, 0], images)
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0
    again = keras.ops.convert_to_numpy(diffusion.cumulative_noise(images, seed=3))
    np.testing.assert_array_equal(noisy, again)
    other = keras.ops.convert_to_numpy(diffusion.cumulative_noise(images, seed=4))
    assert not np.array_equal(noisy, other)
    # Each level adds to the last: the distance from the image grows level by level.
    distance = np.abs(noisy - noisy[:, :1]).mean(axis=(0, 2, 3, 4))
    assert np.all(np.diff(distance) > 0)
    # Unclamped (grey images, small noise), each step adds noise of its own level's std.
    grey = np.full((256, *IMAGE), 0.5, np.float32)
    small = (0.02, 0.05)
    steps = np.diff(keras.ops.convert_to_numpy(diffusion.cumulative_noise(grey, small, 0)), axis=1)
    np.testing.assert_allclose(steps.std(axis=(0, 2, 3, 4)), small, rtol=0.05)


def test_the_reports_first_attempts_are_options(autoencoder, images):
    # Figure 9: noisy levels left unclamped leave [0, 1]; Figure 10: noise of mean 0,
    # clamped, is black wherever it was negative (half the pixels).
    unclamped = diffusion.cumulative_noise(images, seed=3, clamp=False)
    unclamped = keras.ops.convert_to_numpy(unclamped)
    assert unclamped.min() < 0.0 and unclamped.max() > 1.0
    dark = diffusion.start_noise(64, IMAGE, seed=0, mean=0.0)
    assert abs((dark == 0.0).mean() - 0.5) < 0.02 and dark.mean() < 0.35  # grey: 0.5
    denoiser = diffusion.TenStepDenoiser(
        zoo.build("unet", noise_input=False, **TINY_UNET), *autoencoder, clamp=False
    )
    assert diffusion.TenStepDenoiser.from_config(denoiser.get_config()).clamp is False
    assert ten_step_denoiser(autoencoder).clamp is True


def test_the_starting_noise_is_centred_on_grey_and_clamped():
    raw = diffusion.start_noise(64, IMAGE, seed=0, clamp=False)
    assert abs(raw.mean() - 0.5) < 0.02 and raw.min() < 0.0 < 1.0 < raw.max()
    clamped = diffusion.start_noise(64, IMAGE, seed=0)
    assert clamped.min() == 0.0 and clamped.max() == 1.0
    assert abs(clamped.mean() - 0.5) < 0.02  # as many pixels clamped dark as bright
    np.testing.assert_array_equal(clamped, diffusion.start_noise(64, IMAGE, seed=0))


def mean_loss(model, images, steps):
    return float(np.mean([model.train_on_batch(images) for _ in range(steps)]))


@pytest.mark.integration
@pytest.mark.parametrize("scheme", ["ten_step", "ddim"])
def test_a_few_training_steps_lower_the_loss(scheme, autoencoder, images):
    model = ten_step_denoiser(autoencoder) if scheme == "ten_step" else ddim(autoencoder, images)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    first = mean_loss(model, images, 5)
    mean_loss(model, images, 30)
    last = mean_loss(model, images, 5)  # (the noise differs at every step: averages of 5)
    assert np.isfinite(first) and last < 0.85 * first


@pytest.mark.parametrize("scheme", ["ten_step", "ddim"])
def test_the_sampler_is_deterministic_and_in_range(scheme, autoencoder, images):
    model = ten_step_denoiser(autoencoder) if scheme == "ten_step" else ddim(autoencoder, images)
    steps = 3
    trajectories = model.sample(3, steps=steps, seed=5)
    assert trajectories.shape == (3, steps + 1, *IMAGE)
    assert trajectories.min() >= 0.0 and trajectories.max() <= 1.0
    np.testing.assert_array_equal(trajectories, model.sample(3, steps=steps, seed=5))
    assert not np.array_equal(trajectories, model.sample(3, steps=steps, seed=6))
    generated = model.generate(3, seed=5, steps=steps)
    np.testing.assert_array_equal(generated, trajectories[:, -1])


@pytest.mark.integration
def test_both_schemes_save_and_load(autoencoder, images, tmp_path):
    for model in (ten_step_denoiser(autoencoder), ddim(autoencoder, images)):
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        assert type(loaded) is type(model)
        np.testing.assert_allclose(
            loaded.sample(2, steps=2, seed=1), model.sample(2, steps=2, seed=1), atol=1e-6
        )


def test_files_saved_under_the_old_name_still_load(autoencoder, tmp_path):
    assert diffusion.SeedDenoiser is diffusion.TenStepDenoiser
    assert diffusion.SEED_NOISE_LEVELS == diffusion.TEN_STEP_NOISE_LEVELS
    custom = keras.saving.get_custom_objects()
    assert custom["zoo>TenStepDenoiser"] is custom["zoo>SeedDenoiser"] is diffusion.TenStepDenoiser
    model = ten_step_denoiser(autoencoder)
    assert keras.saving.get_registered_name(type(model)) == "zoo>TenStepDenoiser"
    new, old = tmp_path / "new.keras", tmp_path / "old.keras"
    model.save(new)
    # A file from before the rename: the same archive, the class named SeedDenoiser.
    with zipfile.ZipFile(new) as source, zipfile.ZipFile(old, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "config.json":
                content = content.replace(b"TenStepDenoiser", b"SeedDenoiser")
                assert b'"zoo>SeedDenoiser"' in content
            target.writestr(item, content)
    loaded = keras.models.load_model(old)
    assert type(loaded) is diffusion.TenStepDenoiser
    np.testing.assert_allclose(
        loaded.sample(2, steps=2, seed=1), model.sample(2, steps=2, seed=1), atol=1e-6
    )


@pytest.mark.integration
def test_pixel_space_diffusion_needs_no_autoencoder(images):
    unet = zoo.build("unet", input_shape=IMAGE, widths=(8, 8), bottleneck=(8,))
    model = diffusion.Diffusion(unet, seed=0)
    model.adapt(images)
    model.compile(optimizer="adam")
    assert np.isfinite(model.train_on_batch(images))
    assert model.sample(2, steps=2).shape == (2, 3, *IMAGE)


@pytest.mark.integration
def test_the_callback_and_figures_write_their_files(autoencoder, images, tmp_path, figure):
    model = ten_step_denoiser(autoencoder)
    model.compile(optimizer="adam")
    every_two = diffusion.SampleTrajectories(tmp_path / "samples", every=2, n=2, steps=3)
    model.fit(images, batch_size=32, epochs=2, verbose=0, callbacks=[every_two])
    assert [p.name for p in (tmp_path / "samples").iterdir()] == ["epoch_002.png"]
    diffusion.plot_noising(images[:2], tmp_path / "noising.png")
    diffusion.plot_trajectories(model.sample(2, steps=2), tmp_path / "trajectories.png")
    for name in ("samples/epoch_002.png", "noising.png", "trajectories.png"):
        figure(tmp_path / name)


def test_bad_input_is_refused_clearly(autoencoder, images):
    with pytest.raises(ValueError, match="divisible by 4"):
        zoo.build("unet", input_shape=(6, 6, 4), widths=(8, 8))
    with pytest.raises(ValueError, match="divisible by 2"):
        zoo.build("cosc420_unet", input_shape=(7, 7, 64), widths=(8,))
    with pytest.raises(ValueError, match="encoder makes"):
        unet = zoo.build("unet", noise_input=False, input_shape=(8, 8, 4), widths=(8,))
        diffusion.TenStepDenoiser(unet, *autoencoder)
    with pytest.raises(ValueError, match="noise-level input"):
        diffusion.Diffusion(zoo.build("unet", noise_input=False, **TINY_UNET), *autoencoder)
    with pytest.raises(ValueError, match="both `encoder` and `decoder`"):
        diffusion.Diffusion(zoo.build("unet", **TINY_UNET), autoencoder[0])
    for levels in ((0.1, 0.0), (1.5,), (-0.1,), ()):
        with pytest.raises(ValueError, match=r"in \(0, 1\]"):
            diffusion.cumulative_noise(images, levels)
    with pytest.raises(ValueError, match=r"in \(0, 1\]"):
        diffusion.TenStepDenoiser(
            zoo.build("unet", noise_input=False, **TINY_UNET), *autoencoder, noise_levels=[2.0]
        )
    model = ten_step_denoiser(autoencoder)
    for steps in (0, -1, 2.5):
        with pytest.raises(ValueError, match="`steps` must be an integer >= 1"):
            model.sample(2, steps=steps)
    with pytest.raises(ValueError, match="steps"):
        ddim(autoencoder, images).sample(2, steps=0)
    with pytest.raises(ValueError, match="number of images"):
        model.sample(0)
    with pytest.raises(ValueError, match="`every` must be an integer >= 1"):
        diffusion.SampleTrajectories("unused", every=0)


def test_a_cae_can_have_a_linear_conv_latent(images):
    # COSC420 A1's CAE keeps the ReLU on its latent conv; a diffusion model wants it signed.
    for activation, signed in ((None, False), ("linear", True)):
        keras.utils.set_random_seed(0)
        cae = zoo.build("cae", input_shape=IMAGE, filters=(8, 4), latent_activation=activation)
        latents = keras.ops.convert_to_numpy(cae.get_layer("encoder")(images))
        assert (latents.min() < 0) == signed
