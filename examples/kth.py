"""KTH P3 (KTH EQ2425, Project 3): a 3-conv CNN on CIFAR-10 and the report's variants.

The metric is the average top-1 recall over the classes (the mean of the per-class
accuracies). The recipe is the ``kth_cnn`` preset's, the reference's: inputs scaled to
[-0.5, 0.5], unshuffled, plain SGD at learning rate 0.001, batch 64, on the whole training
split (no validation data: zoo.fit monitors the training loss). The reference trained
for 300 epochs; the subcommands default to 30, a tenth, so that a CPU can run them (the
results table's ``epochs`` column says which ran): ``--epochs 300`` is the reference's.

    python examples/kth.py default                       # the default CNN (Figure 1), 30 epochs
    python examples/kth.py default --epochs 300          # ... as long as the reference
    python examples/kth.py variants                      # Sections 3-4, one after another
    python examples/kth.py variants --dataset fashion_mnist --epochs 3   # a stand-in
    python examples/kth.py all --quick                   # a smoke run on mock data

Each experiment writes results.md/.csv (the reference's recall next to the zoo's),
results.png, and per model the run, report and figures (confusion matrix, per-class
recall, predictions, t-SNE); `variants` adds the training loss of every variant.
"""

import sys

from tuning import hypermodel, references, spaces
from zoo.cli import assignment

METRIC = "average_top1_recall"
# The variants are the search space's, so the script and `python -m tuning run
# kth_variants` train the same settings.
SPACE = spaces.get("kth_variants")


def train_variant(ctx, variant):
    name, _, change, reference = variant
    model, data, fit = hypermodel.split_options(SPACE, {"variant": name})
    batch_size = data.pop("batch_size", None)  # a variant's own batch size wins over --batch-size
    _, _, row = ctx.train(
        "kth_cnn",
        name,
        reference=reference,
        metric=METRIC,
        model_options=model,
        data_options=data,
        batch_size=batch_size,
        **fit,
    )
    return {**row, "change": ", ".join(f"{k}={v}" for k, v in change.items())}


def default(ctx):
    return [train_variant(ctx, references.KTH_VARIANTS[0])]


def variants(ctx):
    rows = [train_variant(ctx, v) for v in ctx.variants(references.KTH_VARIANTS)]
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
