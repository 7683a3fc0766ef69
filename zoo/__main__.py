"""Command line: `python -m zoo list | describe NAME | train NAME --dataset D ...`."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import numpy as np

import zoo
from zoo import experiment


def parse_assignments(pairs) -> dict:
    """``["dropout=0.3", "filters=(32, 64)", "activation=tanh"]`` -> a dict of Python values."""
    options = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"Options are key=value pairs. Received: {pair!r}")
        try:
            options[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            options[key] = value
    return options


def list_models() -> None:
    for name in zoo.list_models():
        model = zoo.build(name)
        trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
        print(f"{name:18s} {trainable:>11,d}  {zoo.get_preset(name).description}")


def describe(name: str) -> None:
    preset = zoo.get_preset(name)
    print(f"{name}: {preset.description}\nsource: {preset.source or '-'}\nbuilder options:")
    for key, value in zoo.describe(name).items():
        print(f"  {key} = {value!r}")
    print(f"fit options: {dict(preset.fit)}\nbatch size: {preset.batch_size}")
    if preset.data or preset.evaluate:
        print(f"data options: {dict(preset.data)}\nevaluate options: {dict(preset.evaluate)}")


def train(args) -> None:
    preset = zoo.get_preset(args.model)
    data_options = {**preset.data, **parse_assignments(args.data)}
    spec = zoo.data.info(args.dataset)
    model_options = {
        **spec.model_options(data_options.get("image_size"), data_options.get("classes")),
        **parse_assignments(args.set),
    }
    zoo.set_seed(args.seed)  # before the model: its initial weights
    model = zoo.build(args.model, **model_options)
    fit_options = {**preset.fit, **parse_assignments(args.fit)}
    epochs = fit_options.pop("epochs", 10)
    epochs = args.epochs or epochs
    out = args.out or Path("runs") / f"{args.model}-{args.dataset}"
    experiment.run(
        model,
        args.dataset,
        out,
        epochs=epochs,
        batch_size=args.batch_size or preset.batch_size,
        validation=args.validation,
        data_options=data_options,
        evaluate_options=dict(preset.evaluate),
        seed=args.seed,
        overwrite=args.overwrite,
        verbose=args.verbose,
        **fit_options,
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m zoo", description=zoo.__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every model with its trainable parameters")
    describe_parser = commands.add_parser("describe", help="a model's options and defaults")
    describe_parser.add_argument("model")
    train_parser = commands.add_parser("train", help="train, evaluate and plot a model")
    train_parser.add_argument("model", help="a name from `python -m zoo list`")
    train_parser.add_argument("--dataset", required=True, choices=zoo.data.DATASETS)
    train_parser.add_argument("--epochs", type=int, help="default: the preset's, else 10")
    train_parser.add_argument("--batch-size", type=int, help="default: the preset's")
    train_parser.add_argument("--validation", type=float, default=0.1, help="fraction of train")
    train_parser.add_argument("--seed", type=int, default=0)
    train_parser.add_argument(
        "--verbose", type=int, choices=(0, 1, 2), default=1, help="2: one line per epoch"
    )
    train_parser.add_argument("--out", type=Path, help="default: runs/MODEL-DATASET")
    train_parser.add_argument(
        "--overwrite", action="store_true", help="train again over a finished run in --out"
    )
    train_parser.add_argument("--set", nargs="*", metavar="KEY=VALUE", help="model options")
    train_parser.add_argument("--fit", nargs="*", metavar="KEY=VALUE", help="zoo.fit options")
    train_parser.add_argument("--data", nargs="*", metavar="KEY=VALUE", help="zoo.data options")
    args = parser.parse_args(argv)
    if args.command == "list":
        list_models()
    elif args.command == "describe":
        describe(args.model)
    else:
        train(args)


if __name__ == "__main__":
    main()
