"""COSC420 A1 (COSC420, Assignment 1): a CNN, an auto-encoder and a latent denoiser on the
Oxford flowers at 96x96.

The report classifies the flowers with a 5-conv CNN (batch norm, weight decay 0.001,
every class topped up to the largest with augmented copies) on a coarse set of 10
classes and on all 102 (Tables 2-5, Section 2.5, Figures 1-2); encodes them to 12x12x64
with a convolutional auto-encoder (Tables 6-8, Figure 3); and trains a UNet to undo ten
cumulative noise levels one at a time in that latent space, which then turns noise into
flowers in 10 steps (Table 9, Figures 4 and 8). The report's coarse set is its own; here
it is the first 10 classes of oxford_flowers102. The splits are Table 1's counts (6,149
training, 1,020 validation and 1,020 test images): tfds's test split trains and its train
split tests (``--splits large_train``, the default on the flowers; ``--splits tfds``
keeps tfds's own, the default on a stand-in).

Every experiment, by the reference's table:

    cnn             Table 3, filters 16-256, coarse and fine; Figures 1-2
    wider           Table 3, filters 32-512, coarse and fine
    softmax         Section 2.3, a softmax layer before PyTorch's cross-entropy (coarse)
    augmentation    Table 4, without and with the class-balancing augmentation (coarse)
    regularisation  Table 5, its 7 settings of batch norm, weight decay and dropout (coarse)
    batch_size      Section 2.5.1, batch sizes 4, 16, 64, 128 and 256 (coarse)
    learning_rate   Section 2.5.2, learning rates 5e-4, 1e-3 and 5e-3 (coarse)
    cae             Tables 6-8, Figure 3
    unet            Table 9, Figures 4-8; with its options, Figures 9-12

`unet` trains the reference's 10-step scheme and, on the same UNet and latents, a
cosine noise schedule sampled with DDIM (``zoo.diffusion``), and scores both by the
Fréchet distance of their samples in the features of a cosc420_cnn (without batch norm)
trained in the same run (``zoo.quality``), next to the CAE's reconstructions (the best
the latent space allows), pure noise and the real-vs-real floor. On the flowers it uses
the reference's models; a stand-in, and --quick, get 32x32 images, a CAE with a linear
8x8x8 latent (a ReLU latent leaves channels dead) and the small `unet` preset. An epoch
is one pass of the 10-step scheme over the images (--batch-size a step, default the
reference's 16, each at 10 noise levels); DDIM takes as many steps of ten times as many
images.

    python examples/cosc420.py cnn --epochs 50                # Table 3, confusion matrices
    python examples/cosc420.py wider --epochs 50              # Table 3, 32-512 filters
    python examples/cosc420.py augmentation --epochs 50       # Table 4
    python examples/cosc420.py regularisation --epochs 50     # Table 5
    python examples/cosc420.py cae --epochs 150               # Table 8, Figure 3
    python examples/cosc420.py unet --epochs 1000             # Figures 4 and 8, Fréchet
    python examples/cosc420.py unet --unclamped-noising       # Figure 9 (darkening)
    python examples/cosc420.py unet --start-mean 0            # Figure 10 (red and purple)
    python examples/cosc420.py unet --train-images 50         # Figure 11 (Figure 12: all)
    python examples/cosc420.py all --dataset digits --image-size 32 --batch-size 32 \
        --epochs 10 --cae-epochs 20 --classifier-epochs 10  # a small stand-in
    python examples/cosc420.py cnn --dataset fashion_mnist --image-size 32 --epochs 2
    python examples/cosc420.py unet --dataset fashion_mnist --epochs 2 --cae-epochs 5 \
        --classifier-epochs 3
    python examples/cosc420.py all --quick                    # a smoke run on mock data

Each experiment writes results.md/.csv (the reference's number next to the zoo's)
and, where the reference has numbers, results.png; the CNN experiments add per model
the run, report and figures (confusion matrix, per-class accuracy, predictions, t-SNE);
`cae` adds table8.md/.csv, reconstructions.png and the loss; `unet` adds noising.png
(Figure 4), *_trajectories.png (Figure 8), */epoch_*.png about ten times a run
(Figures 5-7), *_samples.png, the training curves and the trained models.
"""

import math
import sys

import zoo  # before Keras, which starts TensorFlow: the zoo hides its start-up notes

# isort: split
import keras
import numpy as np

from zoo import diffusion, generative, plots, quality
from zoo.cli import assignment

REFERENCE_IMAGE_SIZE = 96  # Section 2.2
COARSE_CLASSES = 10  # Table 1
REFERENCE_ACCURACY = {"coarse": 0.81, "fine": 0.72}  # Table 3, filters 16-256: test accuracy
WIDER_FILTERS = (32, 64, 128, 256, 512)  # Table 3's second architecture
WIDER_ACCURACY = {"coarse": 0.83, "fine": 0.66}
SOFTMAX_ACCURACY = 0.78  # Section 2.3, coarse
AUGMENTATION = [(False, 0.66), (True, 0.81)]  # Table 4: class balancing, test accuracy
BATCH_SIZES = {4: None, 16: None, 64: None, 128: 0.81, 256: None}  # Section 2.5.1: 128 best
LEARNING_RATES = {5e-4: 0.78, 1e-3: 0.81, 5e-3: 0.81}  # Section 2.5.2

# Table 5 on the coarse set: batch norm, weight decay, dense dropout, the reference's test accuracy.
REGULARISATION = [
    (False, 0.0, 0.0, 0.66),
    (False, 1e-3, 0.0, 0.66),
    (True, 0.0, 0.0, 0.80),
    (True, 1e-3, 0.0, 0.81),
    (True, 1e-3, 0.3, 0.76),
    (True, 5e-4, 0.0, 0.78),
    (True, 5e-3, 0.0, 0.81),
]

# Table 8: the reference's coarse test images -> (error mean, error std), then all ten together.
TABLE_8 = {
    0: (0.0265, 0.0371),
    10: (0.0260, 0.0274),
    20: (0.0209, 0.0249),
    30: (0.0217, 0.0263),
    50: (0.0373, 0.0340),
    60: (0.0225, 0.0258),
    110: (0.0302, 0.0321),
    120: (0.0450, 0.0393),
    210: (0.0275, 0.0279),
    260: (0.0290, 0.0284),
}
TABLE_8_ALL = (0.0287, 0.0315)
QUICK_IMAGE_SIZE = 32
TRAJECTORIES = 10  # Figure 8: ten noise seeds through the 10 denoising steps


# The latent denoiser's set-ups: the reference's (Tables 6-7 and 9), and the zoo's choice for
# small stand-ins such as Fashion-MNIST, with Adam 1e-3 throughout.
REFERENCE_CAE, REFERENCE_UNET = zoo.get_preset("cosc420_cae"), zoo.get_preset("cosc420_unet")
REFERENCE_SETUP = {
    "image_size": (REFERENCE_IMAGE_SIZE, REFERENCE_IMAGE_SIZE),
    "cae": "cosc420_cae",
    "cae_options": {},
    "cae_fit": dict(REFERENCE_CAE.fit),
    "cae_batch": REFERENCE_CAE.batch_size,
    "unet": "cosc420_unet",
    "learning_rate": REFERENCE_UNET.fit["learning_rate"],
    "optimizer_options": REFERENCE_UNET.fit["optimizer_options"],
}
SMALL_SETUP = {
    "image_size": (32, 32),
    "cae": "cae",
    "cae_options": {"filters": (32, 8), "latent_activation": "linear"},
    "cae_fit": {"learning_rate": 1e-3, "loss": "binary_crossentropy"},
    "cae_batch": 128,
    "unet": "unet",
    "learning_rate": 1e-3,
    "optimizer_options": {},
}


def splits_option(parser):
    if parser.get_default("splits") is None:  # `all` adds every step's options to one parser
        parser.add_argument(
            "--splits",
            choices=("large_train", "tfds"),
            help="large_train: train on the 6,149 images as Table 1 does (the default on "
            "the flowers); tfds: tfds's own splits (the default on a stand-in)",
        )


def image_size_option(parser):
    splits_option(parser)
    if parser.get_default("image_size") is None:
        parser.add_argument(
            "--image-size",
            type=int,
            default=REFERENCE_IMAGE_SIZE,
            help=f"image side (default {REFERENCE_IMAGE_SIZE}, the reference's; "
            "32 suits small stand-ins)",
        )


def cnn_options(parser):
    image_size_option(parser)
    parser.add_argument(
        "--grain",
        choices=("coarse", "fine", "both"),
        default="both",
        help=f"coarse: the first {COARSE_CLASSES} classes; fine: all of them (default both)",
    )


def unet_options(parser):
    splits_option(parser)
    parser.add_argument("--cae-epochs", type=int, default=150, help="default 150 (Section 3.1)")
    parser.add_argument(
        "--classifier-epochs",
        type=int,
        default=50,
        help="the Fréchet scorer's (default 50, Table 3's)",
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        help="the denoisers' (default: 1e-4, the reference's; 1e-3 small)",
    )
    parser.add_argument("--ddim-steps", type=int, default=20, help="DDIM sampling steps")
    parser.add_argument("--samples", type=int, default=5000, help="generated images to score")
    # COSC420 A1's Section 4 problems, each one option away from the fixed recipe.
    parser.add_argument(
        "--unclamped-noising",
        action="store_true",
        help="train the 10-step scheme on noise levels left unclamped, the report's first "
        "attempt (Figure 9: darker and darker samples)",
    )
    parser.add_argument(
        "--start-mean",
        type=float,
        default=0.5,
        help="mean of the 10-step scheme's clamped starting noise (default 0.5, the "
        "report's fix; 0 is its first attempt, Figure 10's red and purple flowers)",
    )
    parser.add_argument(
        "--train-images",
        type=int,
        help="train the denoisers on the first N training images only (50: Figure 11; "
        "default all, as in Figure 12, though with this step's UNet: the report does not "
        "describe its first, 5-million-parameter one)",
    )


def image_size(ctx) -> tuple[int, int]:
    """--image-size, at most 32 with --quick (the reference's 96 makes a smoke run slow)."""
    side = min(ctx.args.image_size, QUICK_IMAGE_SIZE) if ctx.quick else ctx.args.image_size
    return (side, side)


def splits(ctx) -> str:
    """--splits, else Table 1's layout on the flowers and tfds's own on a stand-in."""
    if ctx.args.splits:
        return ctx.args.splits
    return "large_train" if ctx.dataset == ctx.step.dataset else "tfds"


def coarse_classes(ctx) -> tuple[int, ...]:
    """The coarse set: the first 10 classes (COSC420 A1's own 10-class grouping is not public)."""
    count = zoo.data.info(ctx.dataset, ctx.args.data_dir).num_classes
    return tuple(range(min(COARSE_CLASSES, count)))


def class_note(ctx, classes) -> str:
    count = zoo.data.info(ctx.dataset, ctx.args.data_dir).num_classes
    if classes is None or len(classes) == count:
        return f"all {count}"
    return f"first {len(classes)} of {count} (the reference's coarse set is its own)"


def train_cnn(ctx, name, classes, reference, model_options=None, data=None, **fit_options):
    """cosc420_cnn on ``classes``, its recipe (class-balancing augmentation, Section 2.3.1)
    changed by the options given."""
    data = {
        "image_size": image_size(ctx),
        "classes": classes,
        "splits": splits(ctx),
        **(data or {}),
    }
    _, _, row = ctx.train(
        "cosc420_cnn",
        name,
        reference=reference,
        model_options=model_options,
        data_options=data,
        **fit_options,
    )
    return {**row, "classes": class_note(ctx, classes)}


def grains(ctx) -> list[str]:
    """The grains to train: a dataset of at most 10 classes is all coarse, with no fine grain."""
    wanted = ["coarse", "fine"] if ctx.args.grain == "both" else [ctx.args.grain]
    count = zoo.data.info(ctx.dataset, ctx.args.data_dir).num_classes
    if count > COARSE_CLASSES:
        return wanted
    if wanted == ["fine"]:
        raise ValueError(
            f"--grain fine needs more than {COARSE_CLASSES} classes (coarse is the first "
            f"{COARSE_CLASSES}), but '{ctx.dataset}' has {count}; use --grain coarse. "
            f"Received: --dataset {ctx.dataset} --grain fine"
        )
    if "fine" in wanted:
        print(f"'{ctx.dataset}' has {count} classes: only the coarse grain (all of them) runs.")
    return ["coarse"]


def cnn(ctx):
    rows = []
    for grain in ctx.variants(grains(ctx)):
        classes = coarse_classes(ctx) if grain == "coarse" else None
        rows.append(train_cnn(ctx, grain, classes, REFERENCE_ACCURACY[grain]))
    return rows


def wider(ctx):
    rows = []
    for grain in ctx.variants(grains(ctx)):
        classes = coarse_classes(ctx) if grain == "coarse" else None
        model_options = {"filters": WIDER_FILTERS}
        rows.append(train_cnn(ctx, grain, classes, WIDER_ACCURACY[grain], model_options))
    return rows


def softmax(ctx):
    """The softmax layer the report added: PyTorch's cross-entropy takes the network's
    output as logits, so after a softmax it applies a second one."""
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return [train_cnn(ctx, "softmax_layer", coarse_classes(ctx), SOFTMAX_ACCURACY, loss=loss)]


def augmentation(ctx):
    rows = []
    for balance, reference in ctx.variants(AUGMENTATION):
        name = "augmented" if balance else "not_augmented"
        data = {"balance": balance}
        row = train_cnn(ctx, name, coarse_classes(ctx), reference, data=data)
        rows.append({**row, "balance": balance})
    return rows


def one_option(ctx, option, references, name):
    """The coarse CNN once per value of ``option`` (references: value -> accuracy)."""
    rows = []
    for value in ctx.variants(list(references)):
        row = train_cnn(ctx, name(value), coarse_classes(ctx), references[value], **{option: value})
        rows.append({**row, option: value})
    ctx.plot_histories(rows, "val_accuracy.png", metric="val_accuracy")
    return rows


def batch_size(ctx):
    return one_option(ctx, "batch_size", BATCH_SIZES, lambda size: f"batch_{size}")


def learning_rate(ctx):
    return one_option(ctx, "learning_rate", LEARNING_RATES, lambda rate: f"lr_{rate:g}")


def regularisation(ctx):
    rows = []
    for batch_norm, weight_decay, dropout, reference in ctx.variants(REGULARISATION):
        name = f"{'bn' if batch_norm else 'no_bn'}_wd{weight_decay:g}_dropout{dropout:g}"
        model_options = {
            "batch_norm": batch_norm,
            "dense_batch_norm": (batch_norm, False),
            "dense_dropout": dropout,
        }
        row = train_cnn(
            ctx, name, coarse_classes(ctx), reference, model_options, weight_decay=weight_decay
        )
        rows.append(
            {**row, "batch_norm": batch_norm, "weight_decay": weight_decay, "dropout": dropout}
        )
    ctx.plot_histories(rows, "val_accuracy.png", metric="val_accuracy")
    return rows


def images_and_labels(ctx, split, **options):
    data = zoo.data.load(ctx.dataset, split, batch_size=1000, shuffle=False, **options)
    return zoo.evaluation.take_examples(data)


def cae(ctx):
    classes = coarse_classes(ctx)
    options = ctx.data_options(image_size=image_size(ctx), classes=classes, splits=splits(ctx))
    channels = zoo.data.info(ctx.dataset, ctx.args.data_dir).image_shape[-1]
    model = zoo.build("cosc420_cae", input_shape=(*image_size(ctx), channels))
    pairs = zoo.data.images(
        ctx.dataset,
        "train",
        target="image",
        batch_size=ctx.batch_size("cosc420_cae"),
        seed=ctx.seed,
        **options,
    )
    history, seconds = assignment.timed(
        zoo.fit,
        model,
        pairs,
        metrics=(),
        run_dir=ctx.out / "run",
        verbose=ctx.args.verbose,
        **zoo.get_preset("cosc420_cae").merge(fit={"epochs": ctx.epochs}).fit,
    )
    plots.plot_history(history, ctx.out / "history.png")

    # Table 8 and Figure 3: the reference's test indices (those the test split has).
    test_x, test_y = images_and_labels(ctx, "test", **options)
    indices = [i for i in TABLE_8 if i < len(test_x)]
    errors = generative.reconstruction_errors(model, test_x, indices, labels=test_y)
    table = [
        {
            **row,
            "reference_error_mean": TABLE_8[row["index"]][0],
            "reference_error_std": TABLE_8[row["index"]][1],
        }
        for row in errors.rows()
    ]
    assignment.write_table(
        table, ctx.out, "table8", "COSC420 A1, Table 8: per-image squared reconstruction error"
    )
    names = zoo.data.class_names(ctx.dataset)
    shown = test_x[indices]
    plots.plot_reconstructions(
        shown,
        generative.reconstruct(model, shown),
        ctx.out / "reconstructions.png",
        titles=[names[classes[int(test_y[i])]] for i in indices],
    )
    epochs = len(history.history["loss"])
    return [
        ctx.row(
            "error mean, Table 8's test images",
            errors.overall_mean,
            reference=TABLE_8_ALL[0],
            metric="error_mean",
            epochs=epochs,
            seconds=seconds,
        ),
        ctx.row(
            "error std, Table 8's test images",
            errors.overall_std,
            reference=TABLE_8_ALL[1],
            metric="error_std",
            epochs=epochs,
        ),
        ctx.row(
            "error mean, every coarse test image",
            generative.mean_squared_error(model, test_x),
            metric="error_mean",
            epochs=epochs,
        ),
    ]


def shuffled_batches(images, batch_size, seed):
    """Batches of ``images`` in a new order every pass, endlessly (epochs count steps)."""
    rng = np.random.default_rng(seed)
    size = min(batch_size, len(images))
    while True:
        order = rng.permutation(len(images))
        for start in range(0, len(images) - size + 1, size):
            yield (images[order[start : start + size]],)


def train_scorer(ctx, setup, classes, train, test, epochs):
    """The classifier whose features score the samples: cosc420_cnn without batch norm,
    whose moving statistics need more steps than a short run gives."""
    spec = zoo.data.info(ctx.dataset, ctx.args.data_dir)
    classifier = zoo.build(
        "cosc420_cnn",
        **spec.model_options(setup["image_size"], classes),
        batch_norm=False,
        dense_batch_norm=False,
    )
    zoo.fit(
        classifier,
        train,
        batch_size=zoo.get_preset("cosc420_cnn").batch_size,
        run_dir=ctx.out / "scorer_run",
        checkpoint=False,
        tensorboard=False,
        verbose=ctx.args.verbose,
        **zoo.get_preset("cosc420_cnn").merge(fit={"epochs": epochs}).fit,
    )
    return classifier, zoo.evaluate(classifier, test).accuracy


def train_autoencoder(ctx, setup, images, epochs):
    """The auto-encoder whose latent space both denoisers work in."""
    autoencoder = zoo.build(setup["cae"], input_shape=images.shape[1:], **setup["cae_options"])
    history = zoo.fit(
        autoencoder,
        (images, images),
        batch_size=setup["cae_batch"],
        metrics=(),
        run_dir=ctx.out / "cae_run",
        checkpoint=False,
        tensorboard=False,
        verbose=ctx.args.verbose,
        **{**setup["cae_fit"], "epochs": epochs},
    )
    plots.plot_history(history, ctx.out / "cae_history.png")
    return autoencoder


def train_denoisers(ctx, setup, autoencoder, images, sample_steps, shown):
    """The 10-step scheme and DDIM on the same UNet, optimizer, steps and UNet examples a
    step (the reference's 16 images at 10 noise levels, or 160 images). Returns ``{name:
    model}`` and ``{name: training seconds}``."""
    encoder, decoder = autoencoder.get_layer("encoder"), autoencoder.get_layer("decoder")
    latent = tuple(encoder.output_shape[1:])
    models = {
        "ten_step": diffusion.TenStepDenoiser(
            zoo.build(setup["unet"], input_shape=latent, noise_input=False),
            encoder,
            decoder,
            clamp=not ctx.args.unclamped_noising,
            seed=ctx.seed,
            name="ten_step_denoiser",
        ),
        "ddim": diffusion.Diffusion(
            zoo.build(setup["unet"], input_shape=latent, noise_input=True),
            encoder,
            decoder,
            seed=ctx.seed,
            name="ddim",
        ),
    }
    models["ddim"].adapt(images)
    batch = ctx.batch_size("cosc420_unet")
    images_per_step = {"ten_step": batch, "ddim": batch * len(diffusion.TEN_STEP_NOISE_LEVELS)}
    learning_rate = ctx.args.learning_rate or setup["learning_rate"]
    seconds = {}
    for name, model in models.items():
        model.compile(optimizer=keras.optimizers.Adam(learning_rate, **setup["optimizer_options"]))
        progress = diffusion.SampleTrajectories(  # about ten times a run (Figures 5-7)
            ctx.out / f"{name}_epochs",
            every=max(1, ctx.epochs // 10),
            n=shown,
            steps=sample_steps[name],
            seed=ctx.seed,
        )
        history, seconds[name] = assignment.timed(
            model.fit,
            shuffled_batches(images, images_per_step[name], ctx.seed),
            epochs=ctx.epochs,
            steps_per_epoch=math.ceil(len(images) / batch),
            callbacks=[progress],
            verbose=ctx.args.verbose,
        )
        plots.plot_history(history, ctx.out / f"{name}_history.png")
        model.save(ctx.out / f"{name}.keras")
    return models, seconds


def check_unet_options(args):
    """Stop before any training on options that would fail after it."""
    for option in ("cae_epochs", "classifier_epochs", "ddim_steps"):
        diffusion.check_steps(getattr(args, option), option)
    if args.samples < 2:
        raise ValueError(
            "--samples must be at least 2: a Fréchet distance needs a covariance. "
            f"Received: --samples {args.samples}"
        )
    if args.train_images is not None and args.train_images < 1:
        raise ValueError(
            f"--train-images must be at least 1. Received: --train-images {args.train_images}"
        )


def unet(ctx):
    check_unet_options(ctx.args)
    setup = REFERENCE_SETUP if ctx.dataset == ctx.step.dataset and not ctx.quick else SMALL_SETUP
    classes = coarse_classes(ctx)
    options = ctx.data_options(image_size=setup["image_size"], classes=classes, splits=splits(ctx))
    train_x, train_y = images_and_labels(ctx, "train", **options)
    test_x, test_y = images_and_labels(ctx, "test", **options)
    levels = len(diffusion.TEN_STEP_NOISE_LEVELS)
    sample_steps = {"ten_step": levels, "ddim": ctx.args.ddim_steps}
    if ctx.quick:  # the same sampling, two steps long
        sample_steps = dict.fromkeys(sample_steps, 2)
    shown = 2 if ctx.quick else TRAJECTORIES
    epochs = {"scorer": ctx.args.classifier_epochs, "cae": ctx.args.cae_epochs, "noise": 0}
    if ctx.quick:
        epochs.update(scorer=1, cae=1)

    seconds = {}
    (classifier, accuracy), seconds["scorer"] = assignment.timed(
        train_scorer, ctx, setup, classes, (train_x, train_y), (test_x, test_y), epochs["scorer"]
    )
    autoencoder, seconds["cae"] = assignment.timed(
        train_autoencoder, ctx, setup, train_x, epochs["cae"]
    )
    denoised = train_x[: ctx.args.train_images]  # all of them without --train-images
    models, denoising_seconds = train_denoisers(
        ctx, setup, autoencoder, denoised, sample_steps, shown
    )
    seconds.update(denoising_seconds)

    # Samples, from noise through every step (the first few are Figure 8), scored in the
    # features of the one classifier next to the CAE's reconstructions and pure noise.
    n_samples = min(ctx.args.samples, len(test_x) // 2)
    trajectories, sampling_seconds = {}, {}
    n_sampled = max(n_samples, shown)
    start = {  # --start-mean: the 10-step scheme's starting noise (Figure 10)
        "ten_step": diffusion.start_noise(
            n_sampled, models["ten_step"].image_shape, ctx.seed, mean=ctx.args.start_mean
        ),
        "ddim": n_sampled,
    }
    for name, model in models.items():
        trajectories[name], sampling_seconds[name] = assignment.timed(
            model.sample,
            start[name],
            steps=sample_steps[name],
            seed=ctx.seed,
            verbose=ctx.args.verbose,
        )
    fakes = {name: frames[:n_samples, -1] for name, frames in trajectories.items()}
    fakes["cae"] = autoencoder.predict(train_x[:n_samples], verbose=0)
    rng = np.random.default_rng(ctx.seed)
    fakes["noise"] = rng.uniform(size=(n_samples, *test_x.shape[1:])).astype("float32")
    scores = quality.score(classifier, test_x, fakes, seed=ctx.seed)

    latent = "x".join(map(str, autoencoder.get_layer("encoder").output_shape[1:]))
    # The options of Section 4's problems in use: Figures 9-10 (the 10-step scheme's
    # noise), 11 (both denoisers' training images).
    subset = f"; trained on {len(denoised)} images (Figure 11)" if ctx.args.train_images else ""
    problems = "".join(
        f"; {text}"
        for text, used in (
            ("unclamped noising (Figure 9)", ctx.args.unclamped_noising),
            (f"start noise mean {ctx.args.start_mean:g} (Figure 10)", ctx.args.start_mean != 0.5),
        )
        if used
    )
    labels = {
        "ten_step": f"COSC420 A1's scheme ({levels} noise levels, "
        f"{sample_steps['ten_step']} steps; Figure 8{problems}{subset})",
        "ddim": f"cosine schedule, DDIM ({sample_steps['ddim']} steps{subset})",
        "cae": "CAE reconstructions of training images (the latent space's best)",
        "noise": "pure noise (uniform pixels)",
    }
    rows = []
    for name, label in labels.items():
        row = ctx.row(
            label,
            scores[name].frechet,
            metric="frechet_distance",
            epochs=epochs.get(name),
            seconds=seconds.get(name),
        )
        rows.append(
            {
                **row,
                "inception_style": scores[name].inception,
                "sampling_s": sampling_seconds.get(name),
                "model": f"{setup['unet']} on {latent} latents" if name in models else "",
            }
        )
    floor = scores["ten_step"]
    rows.append(
        {
            **ctx.row(
                "real test images (floor: half vs half)",
                floor.frechet_floor,
                metric="frechet_distance",
                epochs=0,
            ),
            "inception_style": floor.inception_real,
        }
    )
    rows.append(
        {
            **ctx.row(
                "the scorer's test accuracy",
                accuracy,
                epochs=epochs["scorer"],
                seconds=seconds["scorer"],
            ),
            "model": f"cosc420_cnn without batch norm; {n_samples} samples scored",
        }
    )

    # Figures: COSC420 A1's Figures 4 and 8, and sample grids.
    diffusion.plot_noising(
        train_x[:3],
        ctx.out / "noising.png",
        seed=ctx.seed,
        title="COSC420 A1's cumulative noise levels (clamped to [0, 1])",
    )
    for name in models:
        diffusion.plot_trajectories(
            trajectories[name][:shown], ctx.out / f"{name}_trajectories.png", title=labels[name]
        )
        plots.plot_images(fakes[name][:32], path=ctx.out / f"{name}_samples.png")
    return rows


STEPS = [
    assignment.Step(
        "cnn",
        cnn,
        "COSC420 A1: the flowers CNN, coarse and fine (Table 3, Figures 1-2)",
        dataset="oxford_flowers102",
        epochs=50,
        arguments=cnn_options,
    ),
    assignment.Step(
        "wider",
        wider,
        "COSC420 A1: the CNN with 32-64-128-256-512 filters, coarse and fine (Table 3)",
        dataset="oxford_flowers102",
        epochs=50,
        arguments=cnn_options,
    ),
    assignment.Step(
        "softmax",
        softmax,
        "COSC420 A1: a softmax layer before the cross-entropy, coarse set (Section 2.3)",
        dataset="oxford_flowers102",
        epochs=50,
        arguments=image_size_option,
    ),
    assignment.Step(
        "augmentation",
        augmentation,
        "COSC420 A1: without and with class-balancing augmentation, coarse set (Table 4)",
        dataset="oxford_flowers102",
        epochs=50,
        arguments=image_size_option,
    ),
    assignment.Step(
        "regularisation",
        regularisation,
        "COSC420 A1: batch norm x weight decay x dropout on the coarse set (Table 5)",
        dataset="oxford_flowers102",
        epochs=50,
        arguments=image_size_option,
    ),
    assignment.Step(
        "batch_size",
        batch_size,
        "COSC420 A1: batch sizes 4 to 256 on the coarse set (Section 2.5.1)",
        dataset="oxford_flowers102",
        epochs=50,
        arguments=image_size_option,
    ),
    assignment.Step(
        "learning_rate",
        learning_rate,
        "COSC420 A1: learning rates 5e-4, 1e-3 and 5e-3 on the coarse set (Section 2.5.2)",
        dataset="oxford_flowers102",
        epochs=50,
        arguments=image_size_option,
    ),
    assignment.Step(
        "cae",
        cae,
        "COSC420 A1: the auto-encoder's reconstruction errors (Table 8, Figure 3)",
        dataset="oxford_flowers102",
        epochs=150,
        arguments=image_size_option,
    ),
    assignment.Step(
        "unet",
        unet,
        "COSC420 A1: the 10-step latent denoiser against DDIM, by Fréchet distance (Figure 8)",
        dataset="oxford_flowers102",
        epochs=1000,
        arguments=unet_options,
    ),
]

if __name__ == "__main__":
    sys.exit(assignment.main(__doc__, STEPS, default_out="runs/cosc420"))
