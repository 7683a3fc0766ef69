"""Time to accuracy on Fashion-MNIST: a recipe preset trained with its own options, its test
accuracy after every epoch against the training wall time so far.

The recipe is the preset (``fmnist_fast``: model, ``fit``, ``data`` and ``evaluate``
options), trained on all 60,000 training images as ``python -m zoo train`` would. The
clock runs while training only: the test evaluation after each epoch exists for the
curve and is timed apart (a user evaluates once, at the end). Writes JSON and the
accuracy-per-minute figure.

    python -m benchmarks.time_to_accuracy --out runs/bench/tta
    python -m benchmarks.time_to_accuracy --epochs 30 --set "filters=(64, 128, 256)"
    python -m benchmarks.time_to_accuracy --model fmnist_long --data "augment=['flip']"
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import keras
from matplotlib.figure import Figure

import zoo
from zoo.cli.commands import parse_assignments

TARGETS = (0.935, 0.95)


class TestAccuracyClock(keras.callbacks.Callback):
    """After each epoch: the training seconds so far and the test accuracy."""

    def __init__(self, test, evaluate_options):
        super().__init__()
        self.test, self.evaluate_options = test, evaluate_options
        self.rows, self.train_seconds, self.eval_seconds = [], 0.0, 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.train_seconds += time.perf_counter() - self.start
        start = time.perf_counter()
        accuracy = zoo.evaluate(self.model, self.test, verbose=0, **self.evaluate_options).accuracy
        seconds = time.perf_counter() - start
        self.eval_seconds += seconds
        self.rows.append(
            {
                "epoch": epoch + 1,
                "train_minutes": self.train_seconds / 60,
                "test_accuracy": accuracy,
                "evaluate_seconds": seconds,
            }
        )
        print(f"epoch {epoch + 1}: {self.train_seconds / 60:.2f} min, test accuracy {accuracy:.4f}")


def plot(rows, path, title):
    """The whole curve, and beside it the last stretch zoomed in on the targets."""
    minutes = [r["train_minutes"] for r in rows]
    accuracy = [r["test_accuracy"] for r in rows]
    fig = Figure(figsize=(9, 4), dpi=120)
    whole, zoomed = fig.subplots(1, 2)
    for ax in (whole, zoomed):
        ax.plot(minutes, accuracy, "o-", markersize=4)
        for target in TARGETS:
            ax.axhline(target, color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("training wall time (minutes)")
        ax.grid(alpha=0.3)
    whole.set_ylabel("test accuracy")
    low = min(TARGETS) - 0.03
    late = [(m, a) for m, a in zip(minutes, accuracy) if a >= low]
    zoomed.set_ylim(low, max(max(TARGETS), max(accuracy)) + 0.005)
    zoomed.set_xlim(late[0][0] - 0.5 if late else 0, minutes[-1] + 0.5)
    zoomed.set_title(f"from {low:.3f} up", fontsize=9)
    for target in TARGETS:  # labelled here only: on the whole curve's scale they overlap
        zoomed.text(
            1.0,
            target,
            f" {target}",
            transform=zoomed.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color="grey",
        )
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="fmnist_fast")
    parser.add_argument("--epochs", type=int, help="default: the preset's")
    parser.add_argument("--set", nargs="*", metavar="KEY=VALUE", help="model options")
    parser.add_argument("--fit", nargs="*", metavar="KEY=VALUE", help="zoo.fit options")
    parser.add_argument("--data", nargs="*", metavar="KEY=VALUE", help="zoo.data.load options")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("runs/bench/time_to_accuracy"))
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    fit = parse_assignments(args.fit)
    if args.epochs:
        fit["epochs"] = args.epochs
    preset = zoo.get_preset(args.model).merge(
        model=parse_assignments(args.set), data=parse_assignments(args.data), fit=fit
    )
    train = zoo.data.load("fashion_mnist", "train", seed=args.seed, **preset.data)
    test = zoo.data.load("fashion_mnist", "test", batch_size=1000)
    model = preset.build()
    clock = TestAccuracyClock(test, dict(preset.evaluate))
    zoo.fit(
        model,
        train,
        callbacks=[clock],
        checkpoint=False,
        tensorboard=False,
        run_dir=args.out / "run",
        seed=args.seed,
        verbose=2,
        **preset.fit,
    )
    result = {
        "model": args.model,
        "model_options": parse_assignments(args.set),
        "backend": keras.backend.backend(),
        "epochs": preset.epochs,
        "batch_size": preset.batch_size,
        "fit": dict(preset.fit),
        "data": dict(preset.data),
        "evaluate": dict(preset.evaluate),
        "rows": clock.rows,
        "final_test_accuracy": clock.rows[-1]["test_accuracy"],
        "train_minutes": clock.train_seconds / 60,
        "final_evaluate_seconds": clock.rows[-1]["evaluate_seconds"],
    }
    for target in TARGETS:
        hit = next((r for r in clock.rows if r["test_accuracy"] >= target), None)
        result[f"minutes_to_{target}"] = hit and hit["train_minutes"]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "result.json").write_text(json.dumps(result, indent=2, default=str))
    title = (
        f"{args.model} on Fashion-MNIST ({result['backend']}): "
        f"{result['final_test_accuracy']:.4f} after {result['train_minutes']:.1f} min"
    )
    plot(clock.rows, args.out / "accuracy_per_minute.png", title)
    print(title)
    for target in TARGETS:
        minutes = result[f"minutes_to_{target}"]
        print(f"  {target}: " + (f"reached after {minutes:.2f} min" if minutes else "not reached"))
    return result


if __name__ == "__main__":
    main()
