"""Seed 002, task 2: read the time from analog clocks, every framing compared (Table 9).

The original 18,000 150x150 clock images cannot be downloaded, so this trains on the
zoo's own rendered clocks (``zoo.data.load("clocks")``). Each framing gets the same
backbone, data and epochs; the table gives the common-sense error in minutes on the
test split (seed 002 quotes hours: 0.1921 h is 11.5 min).

    python examples/clocks.py --epochs 12 --out runs/clocks
    python examples/clocks.py --dataset clocks/hard --out runs/clocks-hard
    python examples/clocks.py --quick      # a one-minute smoke run on clocks/tiny
    python examples/clocks.py --trained runs/clocks --dataset clocks/hard --out runs/robust
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import keras

import zoo
from zoo import experiment

# (row name, preset, build options, seed 002's Table 9 common-sense loss in hours)
MODELS = [
    ("regression", "clock_regression", {}, 0.7053),
    ("classification (24 classes)", "clock_classification", {"num_classes": 24}, 0.6206),
    ("classification (72 classes)", "clock_classification", {"num_classes": 72}, 0.9517),
    ("classification (720 classes)", "clock_classification", {"num_classes": 720}, 3.0309),
    ("multi-head", "clock_multihead", {}, 0.6161),
    ("label transformation (sin/cos)", "clock_sincos", {}, 0.3447),
    ("label transformation, fine-tuned", "clock_final", {}, 0.1921),
]
COLUMNS = ["model", "parameters", "epochs", "train_minutes", "mean_error_minutes"]
COLUMNS += ["median_error_minutes", "p90_error_minutes", "within_5_minutes", "seed_002_minutes"]


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="clocks", help="clocks, clocks/hard, clocks/original")
    parser.add_argument("--epochs", type=int, help="default: each preset's own")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--models", nargs="*", help="row names or presets to run (default: all)")
    parser.add_argument("--out", type=Path, default=Path("runs/clocks"))
    parser.add_argument("--quick", action="store_true", help="clocks/tiny, 1 epoch, tiny models")
    parser.add_argument(
        "--trained",
        type=Path,
        help="no training: score the models an earlier run wrote to this --out (a robustness "
        "test, e.g. models trained on clocks scored on clocks/hard)",
    )
    args = parser.parse_args(argv)
    if not args.dataset.startswith("clocks"):
        parser.error(f"--dataset must be a clocks set. Received: {args.dataset}")
    dataset = "clocks/tiny" if args.quick else args.dataset
    shape = zoo.data.info(dataset).image_shape

    rows = []
    for row_name, preset, options, seed_hours in MODELS:
        if args.models and row_name not in args.models and preset not in args.models:
            continue
        fit = dict(zoo.get_preset(preset).fit)
        preset_epochs = fit.pop("epochs")
        epochs = 1 if args.quick else args.epochs or preset_epochs
        if args.quick:
            options = {**options, "filters": (8, 16), "conv_dropout": 0.0, "dense_units": (32,)}
        run = Path(preset) / (f"{options['num_classes']}" if "num_classes" in options else "")
        if args.trained:
            model = keras.models.load_model(args.trained / run / "run" / "best.keras")
            report = zoo.clock.evaluate(model, zoo.data.load(dataset, "test"))
            summary = json.loads((args.trained / run / "report.json").read_text())
        else:
            model = zoo.build(preset, input_shape=shape, **options)
            keras.utils.set_random_seed(0)
            report = experiment.run(
                model, dataset, args.out / run, epochs=epochs, batch_size=args.batch_size,
                verbose=2, **fit,
            )  # fmt: skip
            summary = json.loads((args.out / run / "report.json").read_text())
        rows.append(
            {
                "model": row_name,
                "parameters": summary["parameters"],
                "epochs": summary["epochs_run"],
                "train_minutes": round(summary["train_seconds"] / 60, 1),
                **{k: round(v, 3) for k, v in report.to_dict().items() if k in COLUMNS},
                "seed_002_minutes": round(60 * seed_hours, 1),
            }
        )
        rows[-1]["report"] = report
    write_table(rows, args.out, dataset)
    return rows


def write_table(rows, out: Path, dataset: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "table.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        f"Common-sense error in minutes on the {dataset} test split ({keras.backend.backend()}).",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(str(row[c]) for c in COLUMNS) + " |" for row in rows]
    (out / "table.md").write_text("\n".join(lines) + "\n")
    reports, labels = [row["report"] for row in rows], [row["model"] for row in rows]
    zoo.plots.plot_clock_errors(reports, out / "errors.png", labels=labels)
    print("\n".join(lines))
    print(f"Table and figures in {out}/")


if __name__ == "__main__":
    main()
