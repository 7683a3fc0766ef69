"""Read clocks: a CNN that tells the time from images of analog clocks.

Shows the zoo's signature task (IDL A2, task 2): the `clocks` set is rendered on the
spot (64x64 clocks, their time as a label in minutes past 12:00), `clock_sincos_both_hands`
reads each hand's angle as its sine and cosine, and `zoo.clock.evaluate` scores the times it
reads by their common-sense error in minutes (11:58 is 4 minutes from 12:02, not 716).
`zoo.fit` takes its loss and metric from the model's output layer.

    python examples/read_clocks.py                    # 8 epochs, ~4 min on 2 CPU cores
    python examples/read_clocks.py --model clock_final --epochs 30
    python examples/read_clocks.py --quick            # clocks/tiny (32x32), seconds

The first run renders the 18,000 clocks into the tfds data dir (about a minute).
Writes into --out: the run directory of `zoo.fit` (run/), report.json,
predictions.png (a grid of clocks, "true / read") and errors.png (a histogram).
"""

# Setup
import argparse
import json
from pathlib import Path

import zoo

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="smoke size: 512 tiny clocks, 1 epoch")
parser.add_argument("--epochs", type=int, default=8)
parser.add_argument(
    "--model",
    choices=("clock_sincos_both_hands", "clock_sincos", "clock_final"),
    default="clock_sincos_both_hands",
)
parser.add_argument("--out", type=Path, default=Path("runs/tutorials/read_clocks"))
args = parser.parse_args()
epochs = 1 if args.quick else args.epochs
zoo.set_seed(0)

# Data
# Batches of (images in [0, 1], times in minutes); the clocks have a validation split.
dataset = "clocks/tiny" if args.quick else "clocks"
spec = zoo.data.info(dataset)
print(f"{dataset}: {spec.image_shape} images, splits {spec.splits}")
preset = zoo.get_preset(args.model)
train, val, test = zoo.data.load_splits(dataset, batch_size=preset.batch_size, seed=0)

# Model
# model_options() gives the builder the images' shape (a clock has no classes).
model = zoo.build(args.model, **spec.model_options())
print(f"{preset.name}: {preset.description}")
model.summary()

# Train
# The preset's Adam with a cosine schedule; loss and metric (the mean common-sense
# error, "clock_error") come from the model's last layer, zoo.clock.ClockOutput.
history = zoo.fit(
    model,
    train,
    val,
    run_dir=args.out / "run",
    overwrite=True,
    **{**preset.fit, "epochs": epochs},
)

# Evaluate
report = zoo.clock.evaluate(model, test)
print(report)
(args.out / "report.json").write_text(json.dumps(report.to_dict(), indent=2))
zoo.plots.plot_clock_predictions(model, test, args.out / "predictions.png", n=16)
zoo.plots.plot_clock_errors(report, args.out / "errors.png", labels=[args.model])
print(f"Median error {report.median:.1f} minutes; figures and report in {args.out}")
