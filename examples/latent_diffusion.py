"""Latent diffusion on Fashion-MNIST: seed 000's 10-step UNet denoiser (Section 4, Figures 4
and 8) next to a proper noise schedule with DDIM sampling, on the same UNet family.

Flowers cannot be downloaded here, so the images are Fashion-MNIST's, padded with two
black pixels a side to 32x32 so that a CAE with two strided convs gives an 8x8x8
latent (linear: a ReLU latent leaves channels dead) that the UNet's two pools divide.
Both denoisers get the same UNet widths,
optimizer, batch of 160 UNet examples (the seed's 16 images x 10 levels; 160 images
for the proper schedule) and number of steps. Their samples are scored with the
Fréchet distance in the features of a zoo classifier trained in the same run, next
to the VAE and GAN saved by examples/generative_fmnist.py (``--compare``), pure
noise and the real-vs-real floor. It writes into --out:

    results.md, results.csv        the table, with training and sampling times
    noising.png                    one training image at the 10 noise levels (Figure 4)
    seed_trajectories.png          8 noise seeds through the 10 steps (Figure 8)
    ddim_trajectories.png          the same for the proper schedule
    *_samples.png, */epoch_*.png   samples at the end and trajectories every epoch
    *_history.png, *.keras         training curves and the trained models

    python examples/latent_diffusion.py --epochs 20 --compare runs/generative_fmnist
    python examples/latent_diffusion.py --quick      # a smoke run of a few batches
"""

import argparse
import contextlib
import csv
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

import zoo
from zoo import diffusion, plots, quality

PAD = 2  # 28 -> 32
LATENT_FILTERS = (32, 8)  # 32x32x1 -> 16x16x32 -> 8x8x8
UNET_BATCH = 160


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="denoiser epochs (375 steps)")
    parser.add_argument("--cae-epochs", type=int, default=5)
    parser.add_argument("--classifier-epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--ddim-steps", type=int, default=20, help="DDIM sampling steps")
    parser.add_argument("--samples", type=int, default=5000, help="generated images to score")
    parser.add_argument("--compare", type=Path, help="a folder with vae.keras and gan.keras")
    parser.add_argument("--out", type=Path, default=Path("runs/latent_diffusion"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="2 epochs of 2 steps per model")
    return parser.parse_args()


def pad(images):
    return np.pad(images, ((0, 0), (PAD, PAD), (PAD, PAD), (0, 0)))


def crop(images):
    return images[:, PAD:-PAD, PAD:-PAD]


def repeated(images, batch_size, seed):
    """Shuffled batches of images, endlessly (epochs are counted in steps)."""
    data = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed)
    return data.repeat().batch(batch_size, drop_remainder=True).prefetch(2)


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    limit = 1024 if args.quick else None
    epochs = 2 if args.quick else args.epochs
    cae_epochs = 2 if args.quick else args.cae_epochs
    train_x, train_y = zoo.evaluation.take_examples(
        zoo.data.load("fashion_mnist", "train", batch_size=1000, shuffle=False), limit
    )
    test_x, test_y = zoo.evaluation.take_examples(
        zoo.data.load("fashion_mnist", "test", batch_size=1000), limit
    )
    train_32 = pad(train_x)
    n_samples = min(args.samples, len(test_x) // 2)
    steps = 2 if args.quick else len(train_x) // UNET_BATCH
    times = {}

    @contextlib.contextmanager
    def timed(name):
        start = time.time()
        yield
        times[name] = time.time() - start

    # The scorer, and the auto-encoder whose latent space both denoisers work in.
    classifier = zoo.build("idl_fmnist_cnn")
    quick = dict(steps_per_epoch=2) if args.quick else {}
    common = dict(run_dir=None, checkpoint=False, tensorboard=False, verbose=2, **quick)
    with timed("classifier"):
        zoo.fit(
            classifier, (train_x, train_y), epochs=2 if args.quick else args.classifier_epochs,
            batch_size=128, **common,
        )  # fmt: skip
    accuracy = zoo.evaluate(classifier, (test_x, test_y)).accuracy
    cae = zoo.build(
        "cae", input_shape=train_32.shape[1:], filters=LATENT_FILTERS, latent_activation="linear"
    )
    with timed("cae"):
        history = zoo.fit(
            cae, (train_32, train_32), epochs=cae_epochs, batch_size=128,
            loss="binary_crossentropy", metrics=(), **common,
        )  # fmt: skip
    plots.plot_history(history, out / "cae_history.png")
    encoder, decoder = cae.get_layer("encoder"), cae.get_layer("decoder")
    latent = tuple(encoder.output_shape[1:])

    # The two denoisers: the same UNet widths, optimizer, UNet batch and steps.
    seed_model = diffusion.SeedDenoiser(
        zoo.build("unet", input_shape=latent, noise_input=False), encoder, decoder,
        seed=args.seed, name="seed_denoiser",
    )  # fmt: skip
    ddim = diffusion.Diffusion(
        zoo.build("unet", input_shape=latent), encoder, decoder, seed=args.seed, name="ddim"
    )
    ddim.adapt(train_32)
    images_per_step = {"seed": UNET_BATCH // len(diffusion.SEED_NOISE_LEVELS), "ddim": UNET_BATCH}
    models = {"seed": seed_model, "ddim": ddim}
    sample_steps = {"seed": len(diffusion.SEED_NOISE_LEVELS), "ddim": args.ddim_steps}
    for name, model in models.items():
        model.compile(optimizer=keras.optimizers.Adam(args.learning_rate))
        trajectories = diffusion.SampleTrajectories(
            out / f"{name}_epochs", n=8, steps=sample_steps[name], seed=args.seed
        )
        with timed(name):
            history = model.fit(
                repeated(train_32, images_per_step[name], args.seed), epochs=epochs,
                steps_per_epoch=steps, callbacks=[trajectories], verbose=2,
            )  # fmt: skip
        plots.plot_history(history, out / f"{name}_history.png")
        model.save(out / f"{name}.keras")

    # Samples and scores, all in the features of the same classifier.
    fakes = {}
    for name, model in models.items():
        with timed(f"{name}_sampling"):
            fakes[name] = crop(model.generate(n_samples, seed=args.seed, steps=sample_steps[name]))
    if args.compare:
        for name in ("vae", "gan"):
            other = keras.models.load_model(args.compare / f"{name}.keras")
            fakes[name] = other.generate(n_samples, seed=args.seed)
    # What the latent space allows at best: the CAE's reconstructions of training images.
    fakes["cae"] = crop(cae.predict(train_32[:n_samples], verbose=0))
    rng = np.random.default_rng(args.seed)
    fakes["noise"] = rng.uniform(size=(n_samples, *test_x.shape[1:])).astype("float32")
    scores = {k: quality.score(classifier, test_x, v, seed=args.seed) for k, v in fakes.items()}

    labels = {
        "seed": f"seed 000's scheme (10 levels, {sample_steps['seed']} steps)",
        "ddim": f"cosine schedule, DDIM ({sample_steps['ddim']} steps)",
        "vae": "VAE (examples/generative_fmnist.py)",
        "gan": "GAN (examples/generative_fmnist.py)",
        "cae": "CAE reconstructions of training images (the latent space's best)",
        "noise": "pure noise (uniform pixels)",
    }
    rows = []
    for name, score in scores.items():
        train_s = times.get(name)
        sample_s = times.get(f"{name}_sampling")
        rows.append([labels[name], train_s, sample_s, score.frechet, score.inception])
    first = next(iter(scores.values()))
    rows.append(["real test images (floor: half vs half)", None, None, first.frechet_floor,
                 first.inception_real])  # fmt: skip
    header = ["model", "training s", "sampling s", "Fréchet distance", "inception-style score"]
    write_results(out, header, rows, args, accuracy, n_samples, (cae_epochs, epochs, steps), times)

    # Figures: seed 000's Figures 4 and 8, and sample grids.
    diffusion.plot_noising(
        train_32[:3], out / "noising.png", seed=args.seed,
        title="Seed 000's cumulative noise levels (clamped to [0, 1])",
    )  # fmt: skip
    for name, model in models.items():
        diffusion.plot_trajectories(
            model.sample(8, steps=sample_steps[name], seed=args.seed + 1),
            out / f"{name}_trajectories.png", title=labels[name],
        )  # fmt: skip
        plots.plot_images(fakes[name][:32], path=out / f"{name}_samples.png")
    print(f"\nFigures, tables and models in {out}/")


def write_results(out, header, rows, args, accuracy, n_samples, schedule, times):
    cae_epochs, epochs, steps = schedule

    def cell(value):
        return "-" if value is None else f"{value:.4g}" if isinstance(value, float) else value

    with open(out / "results.csv", "w", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    lines = [
        f"# Latent diffusion on Fashion-MNIST (KERAS_BACKEND={keras.backend.backend()})",
        "",
        f"Both denoisers: UNet `unet` widths 64-128 on the 8x8x8 latents of a CAE trained "
        f"{cae_epochs} epochs; Adam {args.learning_rate}; {epochs} epochs of {steps} "
        f"steps of {UNET_BATCH} UNet examples. Fréchet distance and inception-style score in "
        f"the features of idl_fmnist_cnn (test accuracy {accuracy:.4f}), {n_samples} generated "
        f"images against {n_samples} real test images. Classifier {times['classifier']:.0f} s, "
        f"CAE {times['cae']:.0f} s.",
        "",
        "| " + " | ".join(header) + " |",
        "|---|" + "---:|" * (len(header) - 1),
    ]
    lines += ["| " + " | ".join(str(cell(v)) for v in row) + " |" for row in rows]
    (out / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
