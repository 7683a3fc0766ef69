"""Generative models on Fashion-MNIST: seed 002's Task 3 (CAE, VAE, GAN and their latent
interpolations, Figures 9-13) with seed 000's reconstruction-error table (Table 8).

The assignment asked for a convolutional auto-encoder, a variational auto-encoder and
a GAN, reconstructions, and images made by changing one or two coordinates of a
sampled latent point. This script trains the three on the real Fashion-MNIST, and
scores the VAE's and the GAN's samples with a Fréchet distance in the features of a
zoo classifier trained on the same data, next to the real-vs-real floor and to pure
noise. It writes into --out:

    results.md, results.csv     the table (and Table 8 for the CAE and the VAE)
    *_reconstructions.png       originals over reconstructions
    vae_traversal.png           two latent coordinates varied (seed 002, Figure 10)
    gan_traversal.png           three coordinates, one per row (seed 002, Figure 12)
    *_walk.png                  straight lines between the latents of two test images
    *_samples.png, */epoch_*.png  sample grids, at the end and after every epoch
    *_history.png, *.keras      training curves and the trained models

    python examples/generative_fmnist.py --epochs 10 --gan-epochs 20 --out runs/generative
    python examples/generative_fmnist.py --quick      # a smoke run of a few batches
"""

import argparse
import csv
import time
from pathlib import Path

import keras
import numpy as np

import zoo
from zoo import generative, plots, quality

TABLE_8_INDICES = [0, 10, 20, 30, 50, 60, 110, 120, 210, 260]  # seed 000's test indices


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10, help="CAE and VAE epochs")
    parser.add_argument("--gan-epochs", type=int, default=None, help="default: 2 x --epochs")
    parser.add_argument("--classifier-epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--samples", type=int, default=5000, help="generated images to score")
    parser.add_argument("--out", type=Path, default=Path("runs/generative_fmnist"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="2 epochs of 2 batches per model")
    return parser.parse_args()


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    gan_epochs = args.gan_epochs or 2 * args.epochs
    epochs = {"cae": args.epochs, "vae": args.epochs, "gan": gan_epochs}
    epochs["classifier"] = args.classifier_epochs
    steps = 2 if args.quick else None
    if args.quick:  # two epochs, so that the second times the steps without compilation
        epochs = dict.fromkeys(epochs, 2)
    timing = {}

    # Data: images alone for the VAE and GAN, (image, image) for the CAE, labels for the scorer.
    options = dict(batch_size=args.batch_size, seed=args.seed, shuffle=not args.quick)
    images = zoo.data.images("fashion_mnist", "train", drop_remainder=True, **options)
    pairs = zoo.data.images("fashion_mnist", "train", target="image", **options)
    labelled = zoo.data.load("fashion_mnist", "train", **options)
    test = zoo.data.load("fashion_mnist", "test", batch_size=1000)
    test_x, test_y = zoo.evaluation.take_examples(test, 512 if args.quick else None)
    names = zoo.data.class_names("fashion_mnist")
    n_samples = min(args.samples, len(test_x) // 2)

    def train(name, model, data, callbacks=(), **fit_options):
        timer = Timer()
        fit_options["callbacks"] = [timer, *callbacks]
        if name in ("cae", "classifier"):
            preset = zoo.get_preset(model.name)
            history = zoo.fit(
                model, data, epochs=epochs[name], optimizer=preset.fit.get("optimizer", "adam"),
                learning_rate=preset.fit.get("learning_rate", 1e-3), run_dir=out / f"{name}_run",
                steps_per_epoch=steps, checkpoint=False, tensorboard=False, **fit_options,
            )  # fmt: skip
        else:
            history = model.fit(
                data, epochs=epochs[name], steps_per_epoch=steps, shuffle=False, **fit_options
            )  # the dataset shuffles itself
        timing[name] = (epochs[name], timer.steps, timer.seconds, timer.seconds_per_step())
        plots.plot_history(history, out / f"{name}_history.png")
        return history

    # The classifier whose penultimate layer the Fréchet distance uses.
    classifier = zoo.build("idl_fmnist_cnn")
    train("classifier", classifier, labelled)
    accuracy = zoo.evaluate(classifier, (test_x, test_y)).accuracy

    # Models.
    cae = zoo.build("idl_mnist_cae")
    train("cae", cae, pairs, loss="binary_crossentropy", metrics=())
    cae.save(out / "cae.keras")

    vae = zoo.build("vae", seed=args.seed)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    train("vae", vae, images, [generative.SampleGrid(out / "vae_epochs", 32)])
    vae.save(out / "vae.keras")

    gan = zoo.build("gan", seed=args.seed)
    gan.compile()
    train("gan", gan, images, [generative.SampleGrid(out / "gan_epochs", 32)])
    gan.save(out / "gan.keras")

    # Evaluate: reconstruction errors, then sample quality against the real test images.
    mse = {
        name: generative.mean_squared_error(m, test_x) for name, m in (("cae", cae), ("vae", vae))
    }
    indices = [i for i in TABLE_8_INDICES if i < len(test_x)]
    table8 = {
        name: generative.reconstruction_errors(m, test_x, indices, labels=test_y)
        for name, m in (("cae", cae), ("vae", vae))
    }
    rng = np.random.default_rng(args.seed)
    fakes = {
        "vae": vae.generate(n_samples, seed=args.seed),
        "gan": gan.generate(n_samples, seed=args.seed),
        "noise": rng.uniform(size=(n_samples, *test_x.shape[1:])).astype("float32"),
    }
    scores = {k: quality.score(classifier, test_x, v, seed=args.seed) for k, v in fakes.items()}

    rows = [
        ["CAE (idl_mnist_cae)", mse["cae"], None, None],
        ["VAE (vae)", mse["vae"], scores["vae"].frechet, scores["vae"].inception],
        ["GAN (gan)", None, scores["gan"].frechet, scores["gan"].inception],
        ["pure noise (uniform pixels)", None, scores["noise"].frechet, scores["noise"].inception],
        ["real test images (floor: half vs half)", None, scores["vae"].frechet_floor,
         scores["vae"].inception_real],
    ]  # fmt: skip
    header = ["model", "test reconstruction MSE", "Fréchet distance", "inception-style score"]
    write_results(out, header, rows, table8, timing, accuracy, n_samples)

    # Figures.
    shown = test_x[indices]
    titles = [names[int(test_y[i])] for i in indices]
    for name, model in (("cae", cae), ("vae", vae)):
        recon = generative.reconstruct(model, shown)
        plots.plot_reconstructions(shown, recon, out / f"{name}_reconstructions.png", titles=titles)
    values = np.linspace(-3, 3, 9)
    labels = [f"{v:+.1f}" for v in values]
    plots.plot_image_grid(
        generative.traverse(vae.decoder, (9, 26), values, seed=args.seed),
        out / "vae_traversal.png", row_labels=labels, col_labels=labels,
        title="VAE: latent coordinates 10 (rows) and 27 (columns)",
    )  # fmt: skip
    rows = [generative.traverse(gan.generator, c, values, seed=args.seed) for c in (0, 119, 125)]
    plots.plot_image_grid(
        np.stack(rows), out / "gan_traversal.png", row_labels=["z1", "z120", "z126"],
        col_labels=labels, title="GAN: one latent coordinate varied per row",
    )  # fmt: skip
    first = {int(c): int(np.argmax(test_y == c)) for c in np.unique(test_y)}  # one per class
    pairs_to_walk = [(first[a], first[b]) for a, b in ((0, 1), (7, 9), (8, 3)) if a in first]
    for name, (encoder, decoder) in {
        "cae": (cae.get_layer("encoder"), cae.get_layer("decoder")),
        "vae": (vae.encoder, vae.decoder),
    }.items():
        walks = [  # each row: image A, 9 decoded steps from A's latent to B's, image B
            [test_x[a], *generative.walk(encoder, decoder, test_x[a], test_x[b], 9), test_x[b]]
            for a, b in pairs_to_walk
        ]
        ends = [f"{names[int(test_y[a])]} to\n{names[int(test_y[b])]}" for a, b in pairs_to_walk]
        columns = ["image A", *[f"{t:.3g}" for t in np.linspace(0, 1, 9)], "image B"]
        plots.plot_image_grid(
            np.array(walks), out / f"{name}_walk.png", row_labels=ends, col_labels=columns
        )
    for name in ("vae", "gan"):
        plots.plot_images(fakes[name][:32], path=out / f"{name}_samples.png")
    plots.plot_images(fakes["noise"][:8], path=out / "noise_samples.png")
    print(f"\nFigures, tables and models in {out}/")


class Timer(keras.callbacks.Callback):
    """Wall time and steps of a fit; the first epoch (compilation included) kept apart."""

    def on_train_begin(self, logs=None):
        self.start, self.steps, self.first = time.time(), 0, None

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1

    def on_epoch_end(self, epoch, logs=None):
        if self.first is None:
            self.first = (time.time() - self.start, self.steps)

    def on_train_end(self, logs=None):
        self.seconds = time.time() - self.start

    def seconds_per_step(self):
        seconds, steps = self.seconds - self.first[0], self.steps - self.first[1]
        return seconds / steps if steps else self.seconds / max(1, self.steps)


def write_results(out, header, rows, table8, timing, accuracy, n_samples):
    def fmt(value):
        return "-" if value is None else f"{value:.4f}"

    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([[r[0], *("" if v is None else v for v in r[1:])] for r in rows])
    lines = [
        f"# Generative models on Fashion-MNIST (KERAS_BACKEND={keras.backend.backend()})",
        "",
        f"Fréchet distance and inception-style score in the features of idl_fmnist_cnn "
        f"(test accuracy {accuracy:.4f}), {n_samples} generated images against {n_samples} "
        f"real test images; the floor compares two disjoint halves of the real test set.",
        "",
        "| " + " | ".join(header) + " |",
        "|---|---:|---:|---:|",
        *("| " + " | ".join([r[0], *map(fmt, r[1:])]) + " |" for r in rows),
        "",
    ]
    for name, errors in table8.items():
        lines += [f"## {name.upper()}: per-image squared error (seed 000, Table 8)", ""]
        lines += [errors.to_markdown(), ""]
    lines += ["## Training time (s/step after the first epoch, which compiles)", ""]
    lines += ["| model | epochs | steps | seconds | s/step |", "|---|---:|---:|---:|---:|"]
    for name, (epochs, steps, seconds, per_step) in timing.items():
        lines.append(f"| {name} | {epochs} | {steps} | {seconds:.1f} | {per_step:.4f} |")
    text = "\n".join(lines) + "\n"
    (out / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
