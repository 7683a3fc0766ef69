"""A grid search with KerasTuner: which MLP settings classify Fashion-MNIST best?

Shows the `tuning` package. A search space is data (`tuning.Space`): a model preset,
a dataset and, per hyperparameter, the list of values to try; `fit` names the options
that go to `zoo.fit` (the rest go to the model builder). `tuning.run` trains every
setting (a KerasTuner trial, each a `zoo.fit` run), ranks them by validation accuracy,
scores the best one on the test split and writes results.csv/json/png. Run the same
command again after a kill and the search continues where it stopped. Fashion-MNIST is
read from a prepared copy or Debian's raw files, else digits stand in.

    python examples/grid_search.py                   # 8 settings x 3 epochs, ~4 min
    python examples/grid_search.py --epochs 10
    python examples/grid_search.py --quick           # 2 settings on digits, seconds

Writes into --out/search (--out/search_quick with --quick): KerasTuner's trials,
results.csv, results.json (with the best trial's test accuracy), results.png (a bar per
setting) and curves.png (every trial's validation accuracy, epoch by epoch).
"""

# Setup
import argparse
import json
from pathlib import Path

import tuning
import zoo

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="smoke size: 2 trials on 2 batches")
parser.add_argument("--epochs", type=int, default=3, help="epochs per trial")
parser.add_argument("--out", type=Path, default=Path("runs/tutorials/grid_search"))
args = parser.parse_args()
# One directory holds one search: a quick run does not mix with the full one.
directory = args.out / ("search_quick" if args.quick else "search")

# Data
# tuning loads the splits itself (zoo.data.load_splits) for every trial; we only pick
# the dataset: Fashion-MNIST when it is here, else digits.
available = zoo.data.is_available("fashion_mnist")
dataset = "fashion_mnist" if available and not args.quick else "digits"
print(f"Searching on {dataset}")

# Model
# IDL A2's Fashion-MNIST MLP (one hidden layer, rmsprop), with two builder options
# (hidden_units, dropout) and one zoo.fit option (learning_rate) on a 2x2x2 grid.
space = tuning.Space(
    name="tutorial_mlp",
    model="idl_fmnist_mlp",
    dataset=dataset,
    values={
        "hidden_units": [(128,), (512,)],
        "dropout": [0.0, 0.3],
        "learning_rate": [1e-3, 1e-4],
    },
    fixed={"optimizer": "rmsprop"},
    fit=("optimizer", "learning_rate"),
)
print(f"{space.size} settings of {space.model}: {zoo.get_preset(space.model).description}")

# Train
# quick: 2 settings, each 1 epoch on 2 batches (and 2 validation and test batches).
rows = tuning.run(
    space,
    "grid",
    directory=directory,
    epochs=1 if args.quick else args.epochs,
    steps=2 if args.quick else None,
    max_trials=2 if args.quick else None,
    verbose=1,
)

# Evaluate
# The trials ranked by validation accuracy, then the best one on the test split.
print(tuning.table(rows, list(space.values)))
best = json.loads((directory / "results.json").read_text())["best_test"]
print(f"Best trial {best['trial']}: test accuracy {best['test_accuracy']:.4f}")
# Each trial's zoo.fit run (its history.csv) lies in trial_<id>/run/ of the search.
histories = {}
for row in rows:
    label = ", ".join(str(row[hp]) for hp in space.values)
    histories[label] = directory / f"trial_{row['trial']}" / "run" / "history.csv"
zoo.plots.plot_histories(histories, directory / "curves.png", metric="accuracy")
print(f"Results in {directory}: results.csv, results.json, results.png, curves.png")
