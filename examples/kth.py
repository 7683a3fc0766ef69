"""KTH P3 (KTH EQ2425, Project 3): a 3-conv CNN on CIFAR-10 and the report's variants.

Inputs are scaled to [-0.5, 0.5]; the metric is the average top-1 recall over the
classes (the mean of the per-class accuracies). The reference trained with SGD at learning
rate 0.001, batch 64, without shuffling, for 300 epochs.

    python examples/kth.py default --epochs 30           # the default CNN (Figure 1)
    python examples/kth.py variants --epochs 30          # Sections 3-4, one after another
    python examples/kth.py variants --dataset fashion_mnist --epochs 3   # a stand-in
    python examples/kth.py all --quick                   # a smoke run on mock data

Each experiment writes results.md/.csv (the reference's recall next to the zoo's),
results.png, and per model the run, report and figures (confusion matrix, per-class
recall, predictions, t-SNE); `variants` adds the training loss of every variant.
"""

import sys

from zoo.cli import assignment

METRIC = "average_top1_recall"
DATA = {"normalize": "centered", "shuffle": False}

# name, the variant it changes, the change, the reference's average top-1 recall. The report
# kept a change when it helped (filters, leaky ReLU, dropout, batch norm) and built the
# next variants on the best so far; the last three are training settings.
VARIANTS = [
    ("default", None, {}, 0.6932),
    ("filters_64_128_256", "default", {"filters": (64, 128, 256)}, 0.7146),
    ("extra_dense_128", "filters_64_128_256", {"dense_units": (512, 128)}, 0.7018),
    ("kernels_7_5_3", "filters_64_128_256", {"kernel_size": (7, 5, 3)}, 0.7003),
    ("leaky_relu", "filters_64_128_256", {"activation": "leaky_relu"}, 0.7199),
    ("dropout_0.3", "leaky_relu", {"dense_dropout": 0.3}, 0.7358),
    ("batch_norm", "dropout_0.3", {"batch_norm": True}, 0.7487),
    ("batch_size_256", "batch_norm", {"batch_size": 256}, 0.7236),
    ("learning_rate_0.1", "batch_norm", {"learning_rate": 0.1}, 0.7391),
    ("shuffling", "batch_norm", {"shuffle": True}, 0.7479),
]
VARIANTS_BY_NAME = {v[0]: v for v in VARIANTS}
FIT_OPTIONS = ("batch_size", "learning_rate")
DATA_OPTIONS = ("shuffle",)


def variant_options(name: str) -> dict:
    """All the changes from the default CNN that make variant ``name``."""
    _, base, change, _ = VARIANTS_BY_NAME[name]
    return {**(variant_options(base) if base else {}), **change}


def train_variant(ctx, name, reference):
    options = variant_options(name)
    fit = {k: options.pop(k) for k in FIT_OPTIONS if k in options}
    data = {**DATA, **{k: options.pop(k) for k in DATA_OPTIONS if k in options}}
    _, _, row = ctx.train(
        "kth_cnn",
        name,
        reference=reference,
        metric=METRIC,
        model_options=options,
        data_options=data,
        **fit,
    )
    return {**row, "change": ", ".join(f"{k}={v}" for k, v in VARIANTS_BY_NAME[name][2].items())}


def default(ctx):
    return [train_variant(ctx, "default", VARIANTS_BY_NAME["default"][3])]


def variants(ctx):
    rows = [train_variant(ctx, v[0], v[3]) for v in ctx.variants(VARIANTS)]
    ctx.plot_histories(rows)
    return rows


STEPS = [
    assignment.Step(
        "default",
        default,
        "KTH P3: the default 3-conv CNN (average top-1 recall)",
        dataset="cifar10",
        epochs=30,
        image_size=(32, 32),
    ),
    assignment.Step(
        "variants",
        variants,
        "KTH P3: each variant of the report in sequence",
        dataset="cifar10",
        epochs=30,
        image_size=(32, 32),
    ),
]

if __name__ == "__main__":
    sys.exit(assignment.main(__doc__, STEPS, default_out="runs/kth"))
