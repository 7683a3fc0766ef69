"""IDL A2 (Leiden, Introduction to Deep Learning, assignment 2): Keras's MNIST examples,
hyperparameter searches on Fashion-MNIST and their transfer to CIFAR-10 (task 1), analog
clocks read in Table 9's seven ways and one of the zoo's (task 2), and a CAE, a VAE and a
GAN (task 3).

The searches train every setting for at most 50 epochs with early stopping, as the
reference did (Keras's patience, 0: stop at the first epoch without a better validation
loss), and resume when run again with the same --out. The Baseline rows are the course
textbook's models (`idl_baseline_mlp`, `idl_baseline_cnn`). Clock errors are the
common-sense error in minutes (Table 9 gives hours: 0.1921 h is 11.5 min). The generative
models' samples are scored by a Fréchet distance in the features of a zoo classifier
trained on the same images (no Inception weights can be downloaded), next to pure noise
and the real-vs-real floor. Without --epochs every model trains for the reference's epochs.

    python examples/idl_a2.py mnist                       # Table 1 (20 and 12 epochs)
    python examples/idl_a2.py fmnist-mlp                  # Tables 2-4: baseline, layers and
                                                          # units, the 81-setting grid, dropout
    python examples/idl_a2.py fmnist-mlp --tuner random --max-trials 10 --epochs 5
    python examples/idl_a2.py best --seeds 0 1 2 --models mlp   # Table 4's best MLP (and
                                                          # Table 7's CNN without --models),
                                                          # once per seed: mean and spread
    python examples/idl_a2.py fmnist-cnn                  # Tables 5-7: baseline, architecture,
                                                          # then dropout and optimizer
    python examples/idl_a2.py cifar10                     # Table 8: baselines, Fashion-MNIST's
                                                          # settings, the new bests
    python examples/idl_a2.py cifar10-search              # Table 8: the searches on CIFAR-10
    python examples/idl_a2.py clocks                      # Table 9, every framing
    python examples/idl_a2.py clocks --trained runs/idl_a2/clocks --dataset clocks/hard \\
        --out runs/idl_a2_hard                            # the same models on harder clocks
    python examples/idl_a2.py architecture                # Figures 3-8: the models' diagrams
    python examples/idl_a2.py generative --folder ~/data/butterflies   # Figures 9-13
    python examples/idl_a2.py all --quick                 # a smoke run on mock data

Each experiment writes results.md/.csv (the reference's numbers next to the zoo's)
and results.png into --out/<experiment>/, with its figures: per trained classifier its
run, report and figures; per search KerasTuner's trials, results.csv/png and the
accuracy curves of the reported settings (the three best, and the settings the
reference reported); the clocks' error histograms (errors.png); per generative data set
reconstructions, latent traversals (the reference's coordinates), walks between test
images, samples, training curves and the models (vae.keras, gan.keras); `architecture` a
diagram per model (`keras.utils.plot_model`; without pydot and Graphviz its layers as
text, ``model.summary()``).
"""

import argparse
import dataclasses
import sys
from pathlib import Path

import zoo  # before Keras, which starts TensorFlow: the zoo hides its start-up notes

# isort: split
import keras
import numpy as np

import tuning
from zoo import generative, plots, quality
from zoo.cli import assignment

QUICK_TRIALS = 1  # --quick: the first setting of each search (a one-at-a-time baseline)
QUICK_STEPS = 1  # --quick: batches per epoch (and test batches of a search)
QUICK_BATCH = 8  # --quick: the mock splits hold 48 images; the GAN drops partial batches


# Task 1.1, Table 1: test accuracy and loss. Keras's mnist_cnn compiles Adadelta() with Keras's
# default learning rate, 1e-3 (the preset; the reference's 0.8891 after 12 epochs fits
# it); the example's older Keras had 1.0, the last row.
MNIST = [  # row, preset, fit options, the reference's test accuracy and test loss
    ("mlp", "keras_mnist_mlp", {}, 0.9837, 0.1206),
    ("cnn", "keras_mnist_cnn", {}, 0.8891, 0.4189),
    ("cnn_adadelta_1.0", "keras_mnist_cnn", {"learning_rate": 1.0}, None, None),
]


def mnist(ctx):
    rows = []
    for name, preset, fit, reference, loss in ctx.variants(MNIST):
        _, _, row = ctx.train(preset, name, reference=reference, reference_loss=loss, **fit)
        rows.append(row)
    return rows


# Task 1.2, Fashion-MNIST: each search's three best settings by validation accuracy face
# the reference's top three where it gives them (Table 4 for the MLP, Table 7 for the
# CNN); the settings it reported alone face their own numbers. Labels are the spaces'
# (tuning.references). A search is (space, folder, default tuner, top three, settings);
# a setting is (label, values, the reference's test accuracy, its test loss).
MLP_LAYERS = (
    "idl_fmnist_mlp_layers",
    "layers",
    "oneatatime",
    (None,),
    [  # Table 2, no dropout: its #layers rows, then its #units rows
        ("2 layers, 512 units", {"layers": 2, "units": 512}, 0.8911, 0.3679),
        ("3 layers, 512 units", {"layers": 3, "units": 512}, 0.8843, 0.3622),
        ("4 layers, 512 units", {"layers": 4, "units": 512}, 0.8842, 0.3583),
        ("2 layers, 128 units", {"layers": 2, "units": 128}, 0.8876, 0.3659),
        ("2 layers, 256 units", {"layers": 2, "units": 256}, 0.8847, 0.3302),
        ("2 layers, 512 units (#units)", {"layers": 2, "units": 512}, 0.8858, 0.3539),
    ],
)
MLP_GRID = (
    "idl_fmnist_mlp_grid",
    "grid",
    "grid",
    (None,),  # Table 3 gives the grid's best setting, not its accuracy
    [
        (
            "the reference's best without dropout",
            {
                "kernel_initializer": "glorot_uniform",
                "activation": "sigmoid",
                "optimizer": "rmsprop",
                "regularizer": "none",
            },
            None,
            None,
        ),
    ],
)
MLP_DROPOUT = (
    "idl_fmnist_mlp_dropout",
    "dropout",
    "grid",
    (0.8919, 0.8911, 0.8891),
    [  # Table 4 (no test loss)
        ("512 units, dropout 0.3", {"units": 512, "dropout": 0.3}, 0.8919, None),
        ("512 units, no dropout", {"units": 512, "dropout": 0.0}, 0.8911, None),
        ("128 units, dropout 0.1", {"units": 128, "dropout": 0.1}, 0.8891, None),
    ],
)
CNN_ARCHITECTURE = (
    "idl_fmnist_cnn_architecture",
    "cnn_architecture",
    "oneatatime",
    (None,),
    [  # Table 5, at dropout 0.5 and RMSprop
        ("5 conv layers", {"conv_layers": 5, "filters": "32-64-64-128-128"}, 0.9109, 0.2642),
        ("6 conv layers", {"conv_layers": 6}, 0.9060, 0.3105),
        ("3 conv layers", {"conv_layers": 3}, 0.9101, 0.3360),
        ("filters 64-128-128-256-256", {"filters": "64-128-128-256-256"}, 0.9094, 0.2767),
        ("filters 32-64-64-128-128", {"filters": "32-64-64-128-128"}, 0.9094, 0.2916),
        ("filters 128-256-256-512-512", {"filters": "128-256-256-512-512"}, 0.9042, 0.2907),
    ],
)
CNN_TUNING = (
    "idl_fmnist_cnn",
    "cnn",
    "oneatatime",
    (0.9183, 0.9116, 0.9109),
    [  # Table 6, on Table 5's best
        ("dropout 0.1", {"dense_dropout": 0.1, "optimizer": "rmsprop"}, 0.9183, 0.3279),
        ("dropout 0.3", {"dense_dropout": 0.3}, 0.9175, 0.3613),
        ("dropout 0.5", {"dense_dropout": 0.5}, 0.9105, 0.3713),
        ("RMSprop", {"dense_dropout": 0.1, "optimizer": "rmsprop"}, 0.9111, 0.2768),
        ("Adam 0.001", {"optimizer": "adam_1e-3"}, 0.9116, 0.4071),
        ("Adam 0.01", {"optimizer": "adam_1e-2"}, 0.8732, 0.3658),
    ],
)
# The textbook's models, the Baseline rows of Tables 2 and 5 (test accuracy, test loss).
BASELINES = {
    "mlp": ("idl_baseline_mlp", 0.8863, 0.6186),
    "cnn": ("idl_baseline_cnn", 0.8909, 0.3330),
}


# Tables 4 and 7: the two best models, each trained once per --seeds, to tell whether the
# reference's single number lies within the zoo's spread over seeds.
BEST = [("mlp", "idl_fmnist_mlp", 0.8919), ("cnn", "idl_fmnist_cnn", 0.9183)]


def best(ctx):
    rows = []
    for family, preset, reference in BEST:
        if family not in ctx.args.models:
            continue
        runs = [
            ctx.train(preset, f"{family}_seed{seed}", reference=reference, seed=seed)[2]
            for seed in ctx.variants(ctx.args.seeds)
        ]
        scores = np.array([row["zoo"] for row in runs])
        summary = {**runs[0], "experiment": f"{family} (mean of {len(runs)} seeds)"}
        summary.update(
            zoo=scores.mean(),
            std=scores.std(ddof=1) if len(runs) > 1 else None,
            low=scores.min(),
            high=scores.max(),
            epochs="-",
            minutes=round(sum(row["minutes"] for row in runs), 2),
        )
        rows += [*runs, summary]
    return rows


def seeds_option(parser):
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0, 1, 2], help="one training per seed"
    )
    parser.add_argument(
        "--models", nargs="+", choices=("mlp", "cnn"), default=["mlp", "cnn"], help="default: both"
    )


def fmnist_mlp(ctx):
    rows = baseline(ctx, "mlp")
    for searched in ctx.variants([MLP_LAYERS, MLP_GRID, MLP_DROPOUT]):
        rows += search(ctx, *searched)
    return rows


def fmnist_cnn(ctx):
    rows = baseline(ctx, "cnn")
    for searched in ctx.variants([CNN_ARCHITECTURE, CNN_TUNING]):
        rows += search(ctx, *searched)
    return rows


def baseline(ctx, family):
    """The textbook's model, trained as a search's settings are (the Baseline rows)."""
    preset, reference, loss = BASELINES[family]
    _, _, row = ctx.train(preset, f"{family}_baseline", reference=reference, reference_loss=loss)
    return [{**row, "metric": "test_accuracy"}]


def search(ctx, space, name, tuner, reference_top, settings, reference_top_loss=()):
    """Run (or resume) a search in ``ctx.out/name``; rows for its best trials and for the
    reference's own settings, each scored on the test split by its best checkpoint (test
    accuracy and loss, beside the reference's: ``reference_top`` and
    ``reference_top_loss`` for the best, in rank order)."""
    directory = ctx.out / name
    trials = tuning.run(
        space,
        ctx.args.tuner or tuner,
        directory=directory,
        dataset=ctx.dataset,
        epochs=ctx.epochs,
        steps=QUICK_STEPS if ctx.quick else None,
        max_trials=QUICK_TRIALS if ctx.quick else ctx.args.max_trials,
        data_dir=ctx.args.data_dir,
        seed=ctx.seed,
        verbose=min(ctx.args.verbose, 1),
    )
    done = [t for t in trials if "rank" in t]
    losses = [*reference_top_loss, *[None] * len(reference_top)]
    chosen = [
        (f"{name} top {t['rank']}", t, s, loss) for t, s, loss in zip(done, reference_top, losses)
    ]
    for label, values, reference, loss in settings:
        found = [t for t in done if all(t[hp] == v for hp, v in values.items())]
        chosen += [(f"{name}: {label}", t, reference, loss) for t in found]
    test = zoo.data.load(ctx.dataset, "test", data_dir=ctx.args.data_dir)
    test = test.take(QUICK_STEPS) if ctx.quick else test
    runs = {t["trial"]: directory / f"trial_{t['trial']}" / "run" for _, t, _, _ in chosen}
    scores = {trial: test_scores(run / "best.keras", test) for trial, run in runs.items()}
    names = list(tuning.get(space).values)
    rows = []
    for label, t, reference, reference_loss in chosen:
        epochs = len((runs[t["trial"]] / "history.csv").read_text().splitlines()) - 1
        accuracy, loss = scores[t["trial"]]
        row = ctx.row(
            label,
            accuracy,
            reference=reference,
            metric="test_accuracy",
            epochs=epochs,
            test_loss=loss,
            reference_loss=reference_loss,
        )
        setting = ", ".join(f"{hp}={t[hp]}" for hp in names)
        rows.append(
            {**row, "val_accuracy": t.get("val_accuracy"), "rank": t["rank"], "setting": setting}
        )
    labels = {}  # a trial's first label, for one curve per trial (Figures 1 and 2)
    for label, t, _, _ in chosen:
        labels.setdefault(t["trial"], label)
    histories = {label: runs[trial] / "history.csv" for trial, label in labels.items()}
    plots.plot_histories(histories, ctx.out / f"{name}_accuracy.png", metric="accuracy")
    return rows


def test_scores(path, test):
    """The test accuracy and loss of the model saved at ``path`` (compiled as it was
    trained: the loss with its weight penalties, as Keras's model.evaluate gives it)."""
    model = keras.models.load_model(path)
    loss = model.evaluate(test, verbose=0, return_dict=True)["loss"]
    return zoo.evaluate(model, test).accuracy, float(loss)


def search_options(parser):
    try:
        parser.add_argument(
            "--tuner",
            choices=tuning.TUNERS,
            help="default: each search's own: oneatatime for Tables 2, 5 and 6 (one change "
            "at a time from a baseline), grid for Tables 3 and 4",
        )
    except argparse.ArgumentError:  # `all` gives every step's options to one parser
        return
    parser.add_argument("--max-trials", type=int, help="stop each search after this many trials")


# Task 1.2, Table 8: the Fashion-MNIST settings trained on CIFAR-10.
CIFAR10 = [  # row, preset, model options, fit options, the reference's test accuracy, loss
    ("mlp_baseline", "idl_baseline_mlp", {}, {}, 0.4977, 1.4616),
    ("mlp_top1", "idl_fmnist_mlp", {}, {}, 0.4559, 1.5321),
    ("mlp_top2", "idl_fmnist_mlp", {"dropout": 0.0}, {}, 0.4735, 1.4960),
    ("mlp_top3", "idl_fmnist_mlp", {"hidden_units": (128,), "dropout": 0.1}, {}, 0.4304, 1.5921),
    (
        "mlp_new_best",
        "idl_fmnist_mlp",
        {"hidden_units": (512, 128, 32), "dropout": 0.1},
        {},
        0.4985,
        1.4300,
    ),
    ("cnn_baseline", "idl_baseline_cnn", {}, {}, 0.6478, 1.5516),
    ("cnn_top1", "idl_fmnist_cnn", {}, {}, 0.6969, 0.9998),
    ("cnn_top2", "idl_fmnist_cnn", {}, {"optimizer": "adam"}, 0.7004, 1.0246),
    ("cnn_top3", "idl_fmnist_cnn", {"dense_dropout": 0.5}, {}, 0.6802, 0.9959),
    (
        "cnn_new_best",
        "idl_fmnist_cnn",
        {"filters": (64, 128, 128, 256, 256)},
        {"optimizer": "adam"},
        0.7024,
        1.1895,
    ),
]


def cifar10(ctx):
    rows = []
    for name, preset, options, fit, reference, loss in ctx.variants(CIFAR10):
        _, _, row = ctx.train(
            preset,
            name,
            reference=reference,
            reference_loss=loss,
            model_options=options,
            **fit,
        )
        rows.append(row)
    return rows


# Task 1.2, Table 8's "Best New Settings": the reference repeats its searches on CIFAR-10.
# Here the same five searches run there; the last MLP and the last CNN search's best face
# its new bests (its MLP, 512-128-32 with dropout 0.1, lies outside the Fashion-MNIST
# spaces; both are in the cifar10 step).
CIFAR10_SEARCHES = [  # a search; the reference's test accuracy and loss of its best there
    (MLP_LAYERS, None, None),
    (MLP_GRID, None, None),
    (MLP_DROPOUT, 0.4985, 1.4300),
    (CNN_ARCHITECTURE, None, None),
    (CNN_TUNING, 0.7024, 1.1895),
]


def cifar10_search(ctx):
    rows = []
    for (space, name, tuner, _, _), best, loss in ctx.variants(CIFAR10_SEARCHES):
        rows += search(ctx, space, name, tuner, (best,), [], reference_top_loss=(loss,))
    return rows


# Task 2, Table 9: the common-sense error of each framing, the reference's in hours.
CLOCKS = [  # row, preset, model options, the reference's error in hours
    ("regression", "clock_regression", {}, 0.7053),
    ("classification_24", "clock_classification", {"num_classes": 24}, 0.6206),
    ("classification_72", "clock_classification", {"num_classes": 72}, 0.9517),
    ("classification_720", "clock_classification", {"num_classes": 720}, 3.0309),
    ("multihead", "clock_multihead", {}, 0.6161),
    ("sincos", "clock_sincos", {}, 0.3447),
    ("sincos_both_hands", "clock_sincos_both_hands", {}, None),  # the zoo's, not in Table 9
    ("final", "clock_final", {}, 0.1921),
]
DIVERGED = {"classification_720": "the reference's did not converge"}
CLOCK_METRIC = "mean_error_minutes"
QUICK_CLOCK = {"filters": (8, 16), "conv_dropout": 0.0, "dense_units": (32,)}  # a tiny backbone


def clocks(ctx):
    chosen = [c for c in CLOCKS if not ctx.args.models or c[0] in ctx.args.models]
    rows, reports = [], []
    for name, preset, options, hours in ctx.variants(chosen):
        minutes = None if hours is None else 60 * hours
        if ctx.args.trained:
            report, row = score_trained(ctx, name, minutes)
        else:
            options = {**options, **(QUICK_CLOCK if ctx.quick else {})}
            _, report, row = ctx.train(
                preset, name, reference=minutes, metric=CLOCK_METRIC, model_options=options
            )
        details = {k: report.to_dict()[k] for k in ("median_error_minutes", "within_5_minutes")}
        rows.append({**row, "reference_hours": hours, "note": DIVERGED.get(name, ""), **details})
        reports.append(report)
    plots.plot_clock_errors(reports, ctx.out / "errors.png", labels=[r["experiment"] for r in rows])
    return rows


def score_trained(ctx, name, reference):
    """The model an earlier run trained (``--trained``), read on this run's test clocks."""
    path = ctx.args.trained / name / "run" / "best.keras"
    if not path.exists():
        raise ValueError(
            f"--trained must be the clocks folder of an earlier run (its --out/clocks), with "
            f"{name}/run/best.keras in it. Received: --trained {ctx.args.trained}"
        )
    test = zoo.data.load(ctx.dataset, "test", **ctx.data_options())
    report = zoo.clock.evaluate(keras.models.load_model(path), test)
    return report, ctx.row(name, report.mean, reference=reference, metric=CLOCK_METRIC)


def clock_options(parser):
    parser.add_argument(
        "--models",
        nargs="*",
        choices=[c[0] for c in CLOCKS],
        metavar="ROW",
        help="the framings to run (default: all)",
    )
    parser.add_argument(
        "--trained",
        type=Path,
        help="no training: score the models of an earlier run's clocks folder on --dataset "
        "(a robustness test, e.g. trained on clocks, read on clocks/hard)",
    )


# Task 2, Figures 3-7, and task 3, Figure 8: the models' architectures, with the trainable
# parameters the text gives (Sections 2.1-2.4). Those are of the reference's own widths;
# the zoo's framings share one backbone at 64x64 (docs/clocks.md), so the counts differ.
ARCHITECTURES = [
    ("clock_regression", "Figure 3", 2_207_593),
    ("clock_classification", "Figure 4", 287_064),
    ("clock_multihead", "Figure 5", 548_557),
    ("clock_sincos", "Figure 6", 285_634),
    ("clock_final", "Figure 7", None),
    ("idl_mnist_cae", "Figure 8", None),
]


def architecture(ctx):
    return [
        ctx.architecture(preset, zoo.build(preset), figure, reference)
        for preset, figure, reference in ARCHITECTURES
    ]


# Task 3, Table 10 and Figures 9-13: epochs and latent coordinates (the reference counts
# them from 1). MNIST's models are the presets; the butterflies (a folder) took 64x64x3
# images, for which the VAE's decoder mirrors its four strided convs.
@dataclasses.dataclass(frozen=True)
class Part:
    cae: str | None
    vae_options: dict
    vae_epochs: int
    gan: str
    vae_coords: tuple  # two coordinates swept together (Figures 10 and 11)
    gan_coords: tuple  # one row per coordinate (Figures 12 and 13)


DATASET_PART = Part(
    cae="idl_mnist_cae",
    vae_options={},
    vae_epochs=zoo.get_preset("vae").fit["epochs"],
    gan="gan",
    vae_coords=(9, 26),
    gan_coords=(0, 119, 125),
)
FOLDER_PART = Part(
    cae=None,
    vae_options={"decoder_filters": (128,) * 4, "decoder_strides": 2},
    vae_epochs=100,
    gan="gan64",
    vae_coords=(5, 28),
    gan_coords=(39,),
)
FOLDER_SHAPE = (64, 64, 3)
TRAVERSAL = np.linspace(-3.0, 3.0, 9)  # the values a coordinate takes: the prior's bulk
WALKS = 3  # latent walks between test images of two classes
SHOWN = 16  # samples drawn per model


def generative_models(ctx):
    folder = ctx.args.folder
    if folder is None and ctx.quick:
        folder = random_folder(ctx.out / "random_images", ctx.seed)
    folder_names = None if folder is None else folder_classes(folder)  # before any training
    spec = zoo.data.info(ctx.dataset, ctx.args.data_dir)
    shape = spec.model_options(ctx.step.image_size)["input_shape"]
    rows = train_generative(ctx, ctx.dataset, shape, DATASET_PART, spec.class_names)
    if folder is not None:
        rows += train_generative(ctx, folder, FOLDER_SHAPE, FOLDER_PART, folder_names)
    return rows


def folder_classes(folder) -> list[str]:
    """The names of an image folder's label folders."""
    try:
        builder = zoo.data.folder.folder_builder(folder)
    except FileNotFoundError as error:
        raise ValueError(f"--folder: {error}") from None
    return builder.info.features["label"].names


def train_generative(ctx, source, shape, part, class_names):
    """Train (the CAE,) the VAE and the GAN on ``source``, a dataset or a folder; rows of
    reconstruction errors and Fréchet distances; figures and models in its folder."""
    is_folder = part is FOLDER_PART
    label = f"folder {Path(source).name}" if is_folder else source
    out = ctx.out / ("folder" if is_folder else source)
    batch = QUICK_BATCH if ctx.quick else ctx.batch_size(part.gan)
    options = {"batch_size": batch, "seed": ctx.seed, "input_shape": shape}
    options.update({} if is_folder else {"data_dir": ctx.args.data_dir})

    def data(target=None, split="train", **more):
        return zoo.data.images(source, split, target=target, **options, **more)

    def train(name, model, train_data, epochs, **fit_options):
        """Train for ``epochs`` (a number or a preset's); what the row says of the run."""
        history, seconds = assignment.timed(
            fit, ctx, model, train_data, ctx.epochs_for(epochs), out, name, **fit_options
        )
        return {"dataset": label, "epochs": len(history.epoch), "seconds": seconds}

    models, runs = {}, {}
    if part.cae:
        models["CAE"] = zoo.build(part.cae, input_shape=shape)
        cae_fit = {k: v for k, v in zoo.get_preset(part.cae).fit.items() if k != "epochs"}
        runs["CAE"] = train("cae", models["CAE"], data("image"), part.cae, **cae_fit, metrics=())
    images = data(drop_remainder=True)  # whole batches, as the GAN's train step wants
    models["VAE"] = zoo.build("vae", input_shape=shape, seed=ctx.seed, **part.vae_options)
    models["VAE"].compile(optimizer=keras.optimizers.Adam())
    runs["VAE"] = train("vae", models["VAE"], images, part.vae_epochs)
    models["GAN"] = zoo.build(part.gan, input_shape=shape, seed=ctx.seed)
    models["GAN"].compile()
    runs["GAN"] = train("gan", models["GAN"], images, part.gan)
    for name in ("VAE", "GAN"):
        models[name].save(out / f"{name.lower()}.keras")

    test_x, test_y = zoo.evaluation.take_examples(data("label", test_split(source, is_folder)))
    rows = [
        ctx.row(
            f"{label}: {name} reconstructions",
            generative.mean_squared_error(m, test_x),
            metric="test_mse",
            **runs[name],
        )
        for name, m in models.items()
        if name != "GAN"
    ]
    n = min(ctx.args.samples, len(test_x) // 2)
    fakes = {name: models[name].generate(n, seed=ctx.seed) for name in ("VAE", "GAN")}
    if len(class_names) > 1:  # the scores need a classifier of the images
        classifier = zoo.build("idl_fmnist_cnn", input_shape=shape, num_classes=len(class_names))
        if not ctx.quick:  # a smoke run's scores mean nothing: spare the time
            fit(
                ctx,
                classifier,
                data("label"),
                ctx.args.classifier_epochs,
                out,
                "classifier",
                **{k: v for k, v in zoo.get_preset("idl_fmnist_cnn").fit.items() if k != "epochs"},
            )
        rows += score_samples(ctx, classifier, test_x, fakes, runs, label)
    draw_generative(ctx, out, part, models, fakes, test_x, test_y, class_names)
    return rows


def score_samples(ctx, classifier, real, fakes, runs, label):
    """Fréchet distances and inception-style scores of the samples, of uniform noise, and of
    half the real images to the other half (the floor no generator can beat)."""
    noise = np.random.default_rng(ctx.seed).uniform(size=fakes["VAE"].shape)
    scores = quality.score(classifier, real, {**fakes, "uniform noise": noise}, seed=ctx.seed)
    rows = []
    for name, score in scores.items():
        what = f"{name} samples" if name in fakes else name
        row = ctx.row(
            f"{label}: {what}",
            score.frechet,
            metric="frechet_distance",
            **runs.get(name, {"dataset": label, "epochs": 0}),
        )
        rows.append({**row, "inception_style": score.inception})
    floor = ctx.row(
        f"{label}: real test images (floor)",
        score.frechet_floor,
        metric="frechet_distance",
        dataset=label,
        epochs=0,
    )
    return [*rows, {**floor, "inception_style": score.inception_real}]


def fit(ctx, model, data, epochs, out, name, **fit_options):
    """``zoo.fit`` for the classifier and the CAE; the VAE and GAN train themselves (their
    own ``compute_loss`` / train step) and draw samples of fixed noise after every epoch."""
    steps = QUICK_STEPS if ctx.quick else None
    verbose = ctx.args.verbose
    if fit_options:
        history = zoo.fit(
            model,
            data,
            epochs=epochs,
            run_dir=out / f"{name}_run",
            steps_per_epoch=steps,
            checkpoint=False,
            tensorboard=False,
            verbose=verbose,
            **fit_options,
        )
    else:
        grid = generative.SampleGrid(out / f"{name}_epochs", SHOWN, seed=ctx.seed)
        every_epoch = [] if ctx.quick else [grid]
        history = model.fit(
            data,
            epochs=epochs,
            steps_per_epoch=steps,
            callbacks=every_epoch,
            shuffle=False,
            verbose=verbose,
        )  # the data shuffles itself
    plots.plot_history(history, out / f"{name}_history.png")
    return history


def test_split(source, is_folder) -> str:
    if not is_folder:
        return "test"
    return "test" if "test" in zoo.data.folder.folder_builder(source).info.splits else "train"


def draw_generative(ctx, out, part, models, fakes, test_x, test_y, class_names):
    """Reconstructions (Figure 9), latent traversals (Figures 10-13), walks and samples."""
    # The first test image of each class (with --quick, of the first and the last class).
    first = {int(c): int(np.argmax(test_y == c)) for c in ctx.variants(np.unique(test_y), quick=2)}
    shown = test_x[list(first.values())]
    encoders = {name: m for name, m in models.items() if name != "GAN"}
    plots.plot_image_grid(
        np.stack([shown, *[generative.reconstruct(m, shown) for m in encoders.values()]]),
        out / "reconstructions.png",
        row_labels=["original", *encoders],
        col_labels=[class_names[c] for c in first],
    )
    values = np.array(ctx.variants(list(TRAVERSAL), quick=2))
    labels = [f"{v:+.1f}" for v in values]
    a, b = part.vae_coords
    plots.plot_image_grid(
        generative.traverse(models["VAE"].decoder, (a, b), values, seed=ctx.seed),
        out / "vae_traversal.png",
        row_labels=labels,
        col_labels=labels,
        title=f"VAE: latent coordinates {a + 1} (rows) and {b + 1} (columns)",
    )
    plots.plot_image_grid(
        np.stack(
            [
                generative.traverse(models["GAN"].generator, c, values, seed=ctx.seed)
                for c in part.gan_coords
            ]
        ),
        out / "gan_traversal.png",
        row_labels=[f"GAN z{c + 1}" for c in part.gan_coords],
        col_labels=labels,
    )
    plots.plot_image_grid(
        np.stack([ctx.variants(list(images[:SHOWN]), quick=2) for images in fakes.values()]),
        out / "samples.png",
        row_labels=list(fakes),
        title="samples from random latent points",
    )
    pairs = list(zip(first, list(first)[1:]))[:WALKS]
    if pairs:
        draw_walks(out / "walks.png", encoders, pairs, len(values), first, test_x, class_names)


def draw_walks(path, models, pairs, steps, first, test_x, class_names):
    """Per model and pair of classes: image A, ``steps`` latents on the line from A's to
    B's decoded, image B."""
    walks, ends = [], []
    for name, model in models.items():
        if name == "VAE":
            encoder, decoder = model.encoder, model.decoder
        else:
            encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
        for i, j in pairs:
            a, b = test_x[first[i]], test_x[first[j]]
            walks.append([a, *generative.walk(encoder, decoder, a, b, steps), b])
            ends.append(f"{name}: {class_names[i]}\nto {class_names[j]}")
    columns = ["image A", *[f"{t:.3g}" for t in np.linspace(0, 1, steps)], "image B"]
    plots.plot_image_grid(np.array(walks), path, row_labels=ends, col_labels=columns)


def random_folder(root: Path, seed: int) -> Path:
    """A tiny image folder (root/<split>/<label>/<n>.png) of random pixels, for --quick."""
    rng = np.random.default_rng(seed)
    for split, count in (("train", QUICK_BATCH), ("test", QUICK_BATCH // 2)):
        for label in ("a", "b"):
            folder = root / split / label
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                image = rng.integers(0, 256, FOLDER_SHAPE, dtype=np.uint8)
                keras.utils.save_img(folder / f"{i}.png", image, scale=False)
    return root


def generative_options(parser):
    parser.add_argument(
        "--folder",
        type=Path,
        help="an image folder (root/<split>/<label>/<image>, e.g. the reference's butterflies) "
        "to train the VAE and the GAN on as well, at 64x64x3",
    )
    parser.add_argument(
        "--classifier-epochs",
        type=int,
        default=5,
        help="epochs of the classifier that scores the samples (default 5)",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=5000,
        help="generated images to score (at most half the test images)",
    )


STEPS = [
    assignment.Step(
        "mnist",
        mnist,
        "IDL A2 Table 1: Keras's mnist_mlp and mnist_cnn (test accuracy and loss)",
        dataset="mnist",
        epochs=None,
    ),
    assignment.Step(
        "fmnist-mlp",
        fmnist_mlp,
        "IDL A2 Tables 2-4: the MLP searches on Fashion-MNIST",
        dataset="fashion_mnist",
        epochs=50,
        arguments=search_options,
    ),
    assignment.Step(
        "best",
        best,
        "IDL A2 Tables 4 and 7: the best MLP and CNN over --seeds (mean, spread)",
        dataset="fashion_mnist",
        epochs=None,
        arguments=seeds_option,
    ),
    assignment.Step(
        "fmnist-cnn",
        fmnist_cnn,
        "IDL A2 Tables 5-7: the CNN search on Fashion-MNIST",
        dataset="fashion_mnist",
        epochs=50,
        arguments=search_options,
    ),
    assignment.Step(
        "cifar10",
        cifar10,
        "IDL A2 Table 8: the Fashion-MNIST settings on CIFAR-10",
        dataset="cifar10",
        epochs=50,
        image_size=(32, 32),
    ),
    assignment.Step(
        "cifar10-search",
        cifar10_search,
        "IDL A2 Table 8 (Best New Settings): the searches again on CIFAR-10",
        dataset="cifar10",
        epochs=50,
        image_size=(32, 32),
        arguments=search_options,
    ),
    assignment.Step(
        "architecture",
        architecture,
        "IDL A2 Figures 3-8: the clock readers and the MNIST CAE (trainable parameters)",
        epochs=0,
    ),
    assignment.Step(
        "clocks",
        clocks,
        "IDL A2 Table 9: every clock framing (common-sense error, minutes)",
        dataset="clocks",
        epochs=None,
        labels="time",
        arguments=clock_options,
    ),
    assignment.Step(
        "generative",
        generative_models,
        "IDL A2 Figures 9-13: CAE, VAE and GAN (reconstruction error, Fréchet distance)",
        dataset="mnist",
        epochs=None,
        image_size=(28, 28),
        arguments=generative_options,
    ),
]

if __name__ == "__main__":
    sys.exit(assignment.main(__doc__, STEPS, default_out="runs/idl_a2"))
