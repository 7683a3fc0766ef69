"""Auto-encoders, VAE and GAN: the references' shapes, training on both backends, saving
across backends, image data, reconstructions, latent figures and the sample-quality score."""

import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow_datasets as tfds
from conftest import backend_env, fast_only
from PIL import Image

import zoo
from zoo import generative, quality

# Tiny networks that keep each preset's structure (the presets themselves are built too).
# They share layer shapes (4 filters, 8x8 images where the structure allows) because on
# JAX every new weight shape costs an XLA compilation of its initializer.
TINY = {
    "cae": dict(input_shape=(8, 8, 1), filters=(4, 4)),
    "cosc420_cae": dict(input_shape=(8, 8, 3), filters=(4, 4, 4)),
    "idl_mnist_cae": dict(
        input_shape=(16, 16, 1),
        filters=(4, 4, 4, 4),
        latent_dim=4,
        decoder_filters=(4,),
        decoder_start_channels=4,
    ),
    "vae": dict(
        input_shape=(16, 16, 1),
        filters=(4, 4, 4, 4),
        latent_dim=4,
        decoder_filters=(4,),
        decoder_start_channels=4,
    ),
    "gan": dict(
        input_shape=(8, 8, 1),
        latent_dim=4,
        generator_filters=(4, 4),
        generator_start_channels=4,
        discriminator_filters=(4, 4),
    ),
    "gan64": dict(
        input_shape=(8, 8, 3),
        latent_dim=4,
        generator_filters=(4, 4, 4),
        discriminator_filters=(4, 4, 4),
    ),
}
LOAD_ON_OTHER = """
import sys
import keras, numpy as np, zoo  # zoo registers its classes
d = sys.argv[1]
x, z, noise = (np.load(f"{d}/{k}.npy") for k in ("x", "z", "noise"))
vae = keras.models.load_model(f"{d}/vae.keras")
gan = keras.models.load_model(f"{d}/gan.keras")
call = lambda model, a: keras.ops.convert_to_numpy(model(a.astype("float32"), training=False))
np.save(f"{d}/o_vae.npy", call(vae, x))
np.save(f"{d}/o_vae_decoder.npy", call(vae.decoder, z))
np.save(f"{d}/o_gan.npy", call(gan, noise))
np.save(f"{d}/o_gan_discriminator.npy", call(gan.discriminator, x))
np.save(f"{d}/o_steps.npy", int(gan.optimizer.iterations))
gan.train_on_batch(x)  # compiled on load: it trains on
"""
GENERATIVE = [n for n in zoo.list_models() if zoo.get_preset(n).family in ("cae", "vae", "gan")]


def image_shape(model):
    """The images a generative model takes or makes."""
    for name in ("encoder", "discriminator"):
        if hasattr(model, name):
            return tuple(getattr(model, name).input_shape[1:])
    return tuple(model.input_shape[1:])


def call(model, inputs):
    """An eager forward pass (no compiled predict function: compiling is JAX's slow part)."""
    return keras.ops.convert_to_numpy(model(np.asarray(inputs, np.float32), training=False))


def train_batch(model, x):
    if isinstance(model, zoo.models.GAN):
        model.compile()
        return model.train_on_batch(x, return_dict=True)
    if isinstance(model, zoo.models.VAE):
        model.compile(optimizer="adam")
        return model.train_on_batch(x, return_dict=True)
    model.compile(optimizer="adam", loss="mse")
    return model.train_on_batch(x, x, return_dict=True)


@pytest.fixture(scope="module")
def digits(data_dir):
    """64 real 8x8 handwritten digits in [0, 1] (scikit-learn's, prepared by tfds)."""
    ds = zoo.data.images("digits", "train", batch_size=64, data_dir=data_dir, seed=0)
    return next(iter(ds.as_numpy_iterator()))


@pytest.fixture(scope="module")
def trained(digits):
    """A tiny CAE, VAE and GAN trained 30-70 steps (epochs of 2 batches) on real digits."""
    keras.utils.set_random_seed(0)
    cae = zoo.build("cae", **TINY["cae"])
    cae.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    vae = zoo.build(
        "vae",
        input_shape=(8, 8, 1),
        latent_dim=4,
        filters=(4, 4),
        decoder_filters=(4, 4),
        decoder_strides=2,
        decoder_start_channels=4,
        seed=0,
    )
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    gan = zoo.build("gan", **TINY["gan"], seed=0)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    histories = {
        "cae": cae.fit(digits, digits, batch_size=32, epochs=15, verbose=0).history,
        "vae": vae.fit(digits, batch_size=32, epochs=15, verbose=0).history,
        "gan": gan.fit(digits, batch_size=32, epochs=20, verbose=0).history,
    }
    # Then the generator alone against a fixed discriminator (its learning rate set to 0,
    # a variable of the optimizer state: nothing recompiles).
    d_weights = [v.numpy().copy() for v in gan.discriminator.trainable_variables]
    gan.optimizer.d_optimizer.learning_rate.assign(0.0)
    histories["generator"] = gan.fit(digits, batch_size=32, epochs=15, verbose=0).history
    histories["d_fixed"] = all(
        np.array_equal(w, v.numpy())
        for w, v in zip(d_weights, gan.discriminator.trainable_variables)
    )
    gan.optimizer.d_optimizer.learning_rate.assign(1e-3)
    return {"cae": cae, "vae": vae, "gan": gan}, histories


def test_cosc420_cae_has_the_layer_shapes_of_tables_6_and_7():
    model = zoo.build("cosc420_cae")
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    shapes = [encoder.get_layer(f"conv{i}").output.shape[1:] for i in (1, 2, 3)]
    assert shapes == [(48, 48, 16), (24, 24, 32), (12, 12, 64)]
    shapes = [decoder.get_layer(f"deconv{i}").output.shape[1:] for i in (1, 2, 3)]
    assert shapes == [(24, 24, 32), (48, 48, 16), (96, 96, 3)]
    for layer in encoder.layers[1:] + decoder.layers[1:]:
        assert layer.kernel_size == (3, 3) and layer.strides == (2, 2)
    assert encoder.input_shape[1:] == (96, 96, 3) and decoder.input_shape[1:] == (12, 12, 64)
    assert model.count_params() == 47_107


def test_presets_are_listed_and_expose_their_parts():
    assert {"cae", "cosc420_cae", "idl_mnist_cae", "vae", "gan", "gan64"} <= set(GENERATIVE)
    cae = zoo.build("idl_mnist_cae")
    assert cae.get_layer("encoder").output.shape == (None, 32)
    assert cae.get_layer("decoder").output.shape == (None, 28, 28, 1)
    vae = zoo.build("vae")
    assert [t.shape for t in vae.encoder.outputs] == [(None, 32), (None, 32)]
    assert vae.decoder.output.shape == (None, 28, 28, 1)
    gan = zoo.build("gan")
    assert gan.generator.input_shape == (None, 256)
    assert gan.generator.output.shape == (None, 28, 28, 1)
    assert gan.discriminator.output.shape == (None, 1)
    assert zoo.build("gan64").generator.output.shape == (None, 64, 64, 3)


@pytest.mark.parametrize("name", fast_only(GENERATIVE, {"cae"}))
def test_every_generative_preset_builds_trains_and_reloads(name, tmp_path):
    model = zoo.build(name)  # the preset as registered: its output shape, symbolically
    outputs = (
        model.generator
        if isinstance(model, zoo.models.GAN)
        else model.decoder
        if isinstance(model, zoo.models.VAE)
        else model
    ).output
    assert outputs.shape[1:] == image_shape(model) and model.count_params() > 0

    # The same structure, small enough for JAX to compile fast: outputs, a step, a reload.
    small = zoo.build(name, **TINY[name])
    x = np.random.default_rng(1).uniform(size=(4, *image_shape(small))).astype("float32")
    is_gan = isinstance(small, zoo.models.GAN)
    inputs = np.random.default_rng(2).normal(size=(4, small.latent_dim)) if is_gan else x
    out = call(small, inputs)
    assert out.shape == x.shape and np.all(np.isfinite(out))
    assert all(np.isfinite(v) for v in train_batch(small, x).values())
    small.save(tmp_path / "model.keras")
    reloaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(call(reloaded, inputs), call(small, inputs), atol=1e-6)


@pytest.mark.integration
def test_losses_fall_over_a_few_dozen_steps_on_real_digits(trained):
    _, histories = trained
    for name, key in (("cae", "loss"), ("vae", "loss"), ("vae", "reconstruction_loss")):
        values = histories[name][key]
        assert np.mean(values[-2:]) < 0.9 * np.mean(values[:2]), (name, key, values)
    # A GAN's two losses pull against each other: while both train, the discriminator's
    # falls (it learns to tell digits from early fakes); against a fixed discriminator,
    # the generator's falls (it learns to fool it).
    d_loss, g_loss = histories["gan"]["d_loss"], histories["generator"]["g_loss"]
    assert np.mean(d_loss[-3:]) < 0.98 * np.mean(d_loss[:3]), d_loss
    assert np.mean(g_loss[-3:]) < 0.95 * np.mean(g_loss[:3]) and histories["d_fixed"], g_loss


@pytest.mark.integration
def test_a_gan_step_changes_both_networks(trained, digits):
    gan = trained[0]["gan"]
    bn = gan.generator.get_layer("project_bn").moving_mean
    variables = gan.generator.trainable_variables + gan.discriminator.trainable_variables + [bn]
    before = [v.numpy().copy() for v in variables]
    steps = int(gan.optimizer.iterations)
    logs = gan.train_on_batch(digits[:32], return_dict=True)
    assert set(logs) == {"d_loss", "g_loss"}
    for v, old in zip(variables, before):
        assert not np.allclose(old, v.numpy()), v.path  # every weight of both networks
    pair = gan.optimizer
    assert int(pair.iterations) == steps + 1
    assert int(pair.d_optimizer.iterations) == int(pair.g_optimizer.iterations) == steps + 1


@pytest.mark.integration
def test_vae_and_gan_saved_here_load_on_the_other_backend(trained, digits, tmp_path):
    models = trained[0]
    rng = np.random.default_rng(0)
    x, z, noise = digits[:8], rng.normal(size=(8, 4)), rng.normal(size=(8, 4))
    arrays = {
        "x": x,
        "z": z,
        "noise": noise,
        "vae": call(models["vae"], x),
        "vae_decoder": call(models["vae"].decoder, z),
        "gan": call(models["gan"], noise),
        "gan_discriminator": call(models["gan"].discriminator, x),
    }
    for key, value in arrays.items():
        np.save(tmp_path / f"{key}.npy", value)
    models["vae"].save(tmp_path / "vae.keras")
    models["gan"].save(tmp_path / "gan.keras")
    steps = int(models["gan"].optimizer.iterations)
    other = "jax" if keras.backend.backend() == "tensorflow" else "tensorflow"
    env = backend_env(other)
    subprocess.run([sys.executable, "-c", LOAD_ON_OTHER, str(tmp_path)], env=env, check=True)
    for key in ("vae", "vae_decoder", "gan", "gan_discriminator"):
        np.testing.assert_allclose(np.load(tmp_path / f"o_{key}.npy"), arrays[key], atol=1e-5)
    assert int(np.load(tmp_path / "o_steps.npy")) == steps  # optimizer state came along


def test_images_feed_autoencoders_and_refuse_other_channels(data_dir):
    x = next(iter(zoo.data.images("digits", "test", batch_size=4, data_dir=data_dir)))
    assert tuple(x.shape) == (4, 8, 8, 1)
    x, y = next(
        iter(
            zoo.data.images(
                "digits",
                "test",
                target="image",
                data_dir=data_dir,
                batch_size=4,
                input_shape=(16, 16, 1),
            )
        )
    )
    assert tuple(x.shape) == (4, 16, 16, 1) and np.array_equal(x, y)
    with pytest.raises(ValueError, match=r"1 channel\(s\) but the model takes 3.*Received"):
        zoo.data.images("digits", "train", input_shape=(8, 8, 3), data_dir=data_dir)
    with pytest.raises(ValueError, match="target"):
        zoo.data.images("digits", target="labels", data_dir=data_dir)


def test_colour_sets_are_resized_for_64x64x3_models(tmp_path):
    with tfds.testing.mock_data(num_examples=4):
        x = next(iter(zoo.data.images("cifar10", "train", input_shape=(64, 64, 3), batch_size=4)))
        assert tuple(x.shape) == (4, 64, 64, 3)
        with pytest.raises(ValueError, match="have 1 channel"):
            zoo.data.images("mnist", "train", input_shape=(64, 64, 3))


def test_images_from_a_folder_are_resized(tmp_path):
    rng = np.random.default_rng(0)
    for label, size in (("moth", (30, 20)), ("butterfly", (24, 24))):
        (tmp_path / "train" / label).mkdir(parents=True)
        for i in range(3):
            pixels = rng.integers(0, 256, size=(*size, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / "train" / label / f"{i}.png")
    batches = list(zoo.data.images(tmp_path, "train", input_shape=(16, 16, 3), batch_size=4))
    x = np.concatenate([np.asarray(b) for b in batches])
    assert x.shape == (6, 16, 16, 3) and 0.0 <= x.min() and x.max() <= 1.0
    grey = zoo.data.load_folder(tmp_path, "train", image_size=8, channels=1, batch_size=6)
    x, y = next(iter(grey))
    assert tuple(x.shape) == (6, 8, 8, 1) and sorted(np.asarray(y).tolist()) == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="Unknown split"):
        zoo.data.load_folder(tmp_path, "test", image_size=8)
    with pytest.raises(FileNotFoundError, match="Received"):
        zoo.data.images(tmp_path / "missing", input_shape=(8, 8, 3))


def test_a_folder_without_images_says_so_before_asking_for_a_size(tmp_path):
    (tmp_path / "train" / "moth").mkdir(parents=True)
    (tmp_path / "train" / "moth" / "notes.txt").write_text("not an image")
    for root in (tmp_path, tmp_path / "train" / "moth"):
        with pytest.raises(ValueError, match=r"No images found under .*\.jpg, \.jpeg, \.png"):
            zoo.data.load_folder(root)  # no image_size: the missing images are the news


@pytest.mark.parametrize(
    "build, options, message",
    [
        ("cae", {"latent_dim": 0}, "latent_dim"),
        ("vae", {"latent_dim": 0}, "latent_dim"),
        ("gan", {"latent_dim": -1}, "latent_dim"),
        ("cosc420_cae", {"input_shape": (90, 90, 3)}, "cannot reproduce a 90x90"),
        ("vae", {"input_shape": (29, 29, 1)}, "cannot reproduce a 29x29"),
        ("gan", {"input_shape": (29, 29, 1)}, "cannot make a 29x29"),
        ("cae", {"decoder_filters": (16, 2)}, "needs 1 filters"),
    ],
)
def test_bad_model_options_are_refused(build, options, message):
    with pytest.raises(ValueError, match=message) as info:
        zoo.build(build, **options)
    assert "Received:" in str(info.value)


def test_reconstruction_errors_follow_table_8():
    images = np.random.default_rng(0).uniform(size=(6, 4, 4, 1)).astype("float32")
    inputs = keras.Input((4, 4, 1))
    halve = keras.Model(inputs, keras.layers.Rescaling(0.5)(inputs))  # error = (x / 2)^2
    errors = generative.reconstruction_errors(halve, images, [0, 3, 5], labels=np.arange(6) * 10)
    squared = (images[[0, 3, 5]] / 2) ** 2
    np.testing.assert_allclose(errors.means, squared.reshape(3, -1).mean(1), rtol=1e-5)
    np.testing.assert_allclose(errors.stds, squared.reshape(3, -1).std(1), rtol=1e-5)
    np.testing.assert_allclose(errors.overall_mean, squared.mean(), rtol=1e-5)
    assert [row["label"] for row in errors.rows()] == [0, 30, 50]
    table = errors.to_markdown()
    assert table.count("\n") == 5 and "All 3 images" in table
    assert generative.mean_squared_error(halve, images) == pytest.approx(((images / 2) ** 2).mean())


@pytest.mark.integration
def test_latent_traversals_walks_and_figures(trained, digits, tmp_path):
    vae = trained[0]["vae"]
    one = generative.traverse(vae.decoder, 2, np.linspace(-2, 2, 5))
    two = generative.traverse(vae.decoder, (0, 3), np.linspace(-2, 2, 4))
    assert one.shape == (5, 8, 8, 1) and two.shape == (4, 4, 8, 8, 1)
    assert not np.allclose(two[0, 0], two[-1, -1])
    with pytest.raises(ValueError, match=r"outside the 4-dimensional latent.*Received"):
        generative.traverse(vae.decoder, (1, 4))
    path = generative.walk(vae.encoder, vae.decoder, digits[0], digits[1], steps=6)
    ends = call(vae.decoder, call(vae.encoder, digits[:2])[0])
    assert path.shape == (6, 8, 8, 1)
    np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-5)
    cae = trained[0]["cae"]
    cae_walk = generative.walk(cae.get_layer("encoder"), cae.get_layer("decoder"), *digits[:2])
    assert cae_walk.shape == (8, 8, 8, 1)

    zoo.plots.plot_image_grid(two, tmp_path / "two.png", row_labels=list("abcd"))
    zoo.plots.plot_image_grid(one, tmp_path / "one.png")
    zoo.plots.plot_reconstructions(
        digits[:5], call(vae, digits[:5]), tmp_path / "rec.png", titles=list(range(5))
    )
    assert all((tmp_path / f).stat().st_size > 0 for f in ("two.png", "one.png", "rec.png"))


@pytest.mark.integration
def test_sample_grid_and_validation_during_gan_fit(trained, digits, tmp_path):
    gan = trained[0]["gan"]
    grid = generative.SampleGrid(tmp_path / "samples", n=8, seed=1)
    val = (digits[32:], digits[32:])  # (x, y): the GAN reads the images only
    history = gan.fit(
        digits[:32], batch_size=32, epochs=2, callbacks=[grid], validation_data=val, verbose=0
    )
    assert {"d_loss", "g_loss", "val_d_loss", "val_g_loss"} == set(history.history)
    assert [p.name for p in grid.paths] == ["epoch_001.png", "epoch_002.png"]
    assert all(p.stat().st_size > 0 for p in grid.paths)
    assert generative.generator_of(trained[0]["vae"]) is trained[0]["vae"].decoder
    assert generative.generator_of(trained[0]["cae"]).name == "decoder"


def test_frechet_distance_matches_the_closed_form_for_gaussians():
    rng = np.random.default_rng(0)
    mean1, mean2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    std1, std2 = np.array([1.0, 2.0, 0.5]), np.array([2.0, 1.0, 0.5])
    exact = np.sum((mean1 - mean2) ** 2) + np.sum((std1 - std2) ** 2)  # diagonal covariances
    assert quality.gaussian_frechet_distance(
        mean1, np.diag(std1**2), mean2, np.diag(std2**2)
    ) == pytest.approx(exact, rel=1e-9)
    a = rng.normal(mean1, std1, size=(40_000, 3))
    b = rng.normal(mean2, std2, size=(40_000, 3))
    assert quality.frechet_distance(a, b) == pytest.approx(exact, rel=0.03)
    assert quality.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    rotation = np.linalg.qr(rng.normal(size=(3, 3)))[0]  # a full covariance, rotated
    cov = rotation @ np.diag(std1**2) @ rotation.T
    assert quality.gaussian_frechet_distance(mean1, cov, mean1, cov) == pytest.approx(0, abs=1e-9)
    with pytest.raises(ValueError, match="same d"):
        quality.frechet_distance(a, b[:, :2])


def test_inception_score_and_the_quality_report(digits):
    assert quality.inception_score_from_probabilities(np.full((10, 4), 0.25)) == pytest.approx(1)
    assert quality.inception_score_from_probabilities(np.eye(4)[np.arange(12) % 4]) == (
        pytest.approx(4.0, rel=1e-6)
    )
    classifier = zoo.build("cnn", input_shape=(8, 8, 1), filters=(4,), dense_units=(6,))
    feats = quality.features(classifier, digits)
    assert feats.shape == (64, 6)
    noise = np.random.default_rng(0).uniform(size=(32, 8, 8, 1))
    q = quality.score(classifier, digits, noise)
    assert q.samples == 32 and 0 <= q.frechet_floor < q.frechet
    assert 1.0 <= q.inception <= 10.0 and "floor" in str(q)
    with pytest.raises(ValueError, match=r"classifier's input shape \(8, 8, 1\).*Received"):
        quality.score(classifier, digits, np.zeros((4, 16, 16, 1)))
    # Several generators against the same real halves: the same numbers as one at a time.
    both = quality.score(classifier, digits, {"noise": noise, "real": digits[:32]})
    assert both["noise"] == q
    assert both["real"].frechet_floor == q.frechet_floor and both["real"].frechet < q.frechet
    with pytest.raises(ValueError, match="at least 4 real and 2 generated"):
        quality.score(classifier, digits, {"noise": noise, "one": noise[:1]})
