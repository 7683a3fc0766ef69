"""Train a classifier: a CNN on Fashion-MNIST, trained with `zoo.fit`, scored with `zoo.evaluate`.

Shows the zoo's main loop in a handful of calls: `zoo.data.load_splits` (train,
validation and test batches), `zoo.build` (a preset: IDL A2's best Fashion-MNIST
CNN), `zoo.fit` with the preset's own training options, `zoo.evaluate` and the figures
of `zoo.plots`. Nothing is downloaded: Fashion-MNIST is read from a prepared tfds copy
or Debian's raw files; where neither is here, scikit-learn's 8x8 digits (resized to
28x28) stand in.

    python examples/train_classifier.py               # 3 epochs, ~4 min on 2 CPU cores
    python examples/train_classifier.py --epochs 10 --out runs/my_classifier
    python examples/train_classifier.py --quick       # a smoke run on digits, seconds

Writes into --out: the run directory of `zoo.fit` (run/: best.keras, model.keras,
history.csv), report.json, history.png (loss and accuracy curves) and
confusion_matrix.png.
"""

# Setup
import argparse
from pathlib import Path

import zoo

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="smoke size: digits, a few batches")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--out", type=Path, default=Path("runs/tutorials/train_classifier"))
args = parser.parse_args()
epochs = 1 if args.quick else args.epochs
zoo.set_seed(0)  # before the model and the data: their weights and order are drawn then

# Data
# 28x28 images scaled to [0, 1]; load_splits keeps the last 10% of train for validation.
# download=False: a dataset that is not here raises DatasetNotAvailableError at once.
options = dict(batch_size=128, image_size=28, seed=0, download=False)
dataset = "digits" if args.quick else "fashion_mnist"
try:
    train, val, test = zoo.data.load_splits(dataset, **options)
except zoo.data.DatasetNotAvailableError as error:
    print(f"Using digits instead: {error}")
    dataset = "digits"
    train, val, test = zoo.data.load_splits(dataset, **options)
if args.quick:  # a few batches of each split
    train, val, test = train.take(4), val.take(2), test.take(2)
class_names = zoo.data.class_names(dataset)
print(f"{dataset}: {len(class_names)} classes: {', '.join(class_names)}")

# Model
# A preset is a builder and its options; the caller's options win (here: the data's).
preset = zoo.get_preset("idl_fmnist_cnn")
print(f"{preset.name}: {preset.description}")
model = zoo.build(preset.name, input_shape=(28, 28, 1), num_classes=len(class_names))
model.summary()

# Train
# The preset's optimizer, learning rate and early stopping, for our number of epochs.
# zoo.fit logs and checkpoints into run_dir; overwrite=True trains afresh on every call.
history = zoo.fit(
    model,
    train,
    val,
    run_dir=args.out / "run",
    overwrite=True,
    **{**preset.fit, "epochs": epochs},
)
print(f"Trained {epochs} epoch(s) in {history.train_seconds:.1f} s")

# Evaluate
# One pass over the test split: accuracy, macro precision/recall/F1, per-class scores.
report = zoo.evaluate(model, test, class_names=class_names)
print(report)
report.save(args.out / "report.json")
zoo.plots.plot_history(history, args.out / "history.png")
zoo.plots.plot_confusion_matrix(report, args.out / "confusion_matrix.png")
print(f"Test accuracy {report.accuracy:.4f}; figures and report in {args.out}")
