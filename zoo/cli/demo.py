"""The zoo's main job on a machine with no network: train a CNN, report, draw the figures;
then its signature model, a net that reads the time from analog clocks.

The classifier uses Fashion-MNIST when its raw files or a prepared copy are here
(Debian's ``dataset-fashion-mnist``), otherwise scikit-learn's 8x8 digits, which
ship with the dependencies. The clocks are rendered on the spot (``clocks``).
Run: ``python -m zoo.cli.demo [--task classify|clocks|all] [--dataset D] [--epochs N]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import zoo
from zoo.cli import experiment


def pick_dataset() -> str:
    """Fashion-MNIST if it is prepared or its raw files are here, else digits."""
    return "fashion_mnist" if zoo.data.is_available("fashion_mnist") else "digits"


CLOCK_EPOCHS = 8


def main(argv=None) -> list:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset", choices=zoo.data.DATASETS, help="default: fashion_mnist if it is here"
    )
    parser.add_argument("--epochs", type=int, help="default: 3 (30 for digits)")
    parser.add_argument("--task", choices=("classify", "clocks", "all"), default="all")
    parser.add_argument("--clock-epochs", type=int, default=CLOCK_EPOCHS)
    parser.add_argument("--out", type=Path, default=Path("runs/demo"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--overwrite", action="store_true", help="train again over finished runs in --out"
    )
    args = parser.parse_args(argv)
    reports = []
    if args.task in ("classify", "all"):
        reports.append(classify(args))
    if args.task in ("clocks", "all"):
        reports.append(read_clocks(args))
    return reports


def classify(args) -> zoo.Report:

    dataset = args.dataset or pick_dataset()
    spec = zoo.data.info(dataset)
    epochs = args.epochs or (30 if dataset == "digits" else 3)
    print(f"Dataset: {dataset} {spec.image_shape}, {spec.num_classes} classes; {epochs} epochs")
    return experiment.run_preset(
        "cnn",
        dataset,
        args.out,
        model={
            "filters": (32, 64),
            "batch_norm": True,
            "dense_units": (128,),
            "dense_dropout": 0.3,
            "name": "demo_cnn",
        },
        data={"batch_size": 128},
        fit={"epochs": epochs, "optimizer": "adamw", "learning_rate": 2e-3, "schedule": "cosine"},
        seed=args.seed,
        overwrite=args.overwrite,
    )


def read_clocks(args) -> zoo.clock.ClockReport:
    """Train the zoo's clock reader (sin/cos of both hands) on rendered 64x64 clocks;
    report its error in minutes."""
    print(f"Clocks: reading the time from 64x64 analog clocks; {args.clock_epochs} epochs")
    return experiment.run_preset(
        "clock_sincos_both_hands",
        "clocks",
        args.out / "clocks",
        fit={"epochs": args.clock_epochs},
        seed=args.seed,
        overwrite=args.overwrite,
    )


if __name__ == "__main__":
    main()
