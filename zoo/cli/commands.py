"""Command line: `zoo list | describe NAME | train NAME --dataset D ...` (`python -m zoo`)."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import zoo
from zoo.cli import experiment
from zoo.models import registry


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
        trainable = registry.trainable_parameters(model)
        print(f"{name:18s} {trainable:>11,d}  {zoo.get_preset(name).description}")


def describe(name: str) -> None:
    preset = zoo.get_preset(name)
    print(f"{name}: {preset.description}\nsource: {preset.source or '-'}\nbuilder options:")
    for key, value in zoo.describe(name).items():
        print(f"  {key} = {value!r}")
    for stage in ("data", "fit", "evaluate"):
        print(f"{stage} options: {dict(getattr(preset, stage))}")


def train(args) -> None:
    data = parse_assignments(args.data)
    fit = parse_assignments(args.fit)
    if args.batch_size:
        data["batch_size"] = args.batch_size
    if args.epochs:
        fit["epochs"] = args.epochs
    experiment.run_preset(
        args.model,
        args.dataset,
        args.out or Path("runs") / f"{args.model}-{args.dataset}",
        model=parse_assignments(args.set),
        data=data,
        fit=fit,
        validation=args.validation,
        seed=args.seed,
        overwrite=args.overwrite,
        verbose=args.verbose,
        figures=args.figures,
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="zoo", description=f"{zoo.__doc__.splitlines()[0]} Also `python -m zoo`."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every model with its trainable parameters")
    describe_parser = commands.add_parser("describe", help="a model's options and defaults")
    describe_parser.add_argument("model")
    train_parser = commands.add_parser("train", help="train, evaluate and plot a model")
    train_parser.add_argument("model", help="a name from `zoo list`")
    train_parser.add_argument("--dataset", required=True, choices=zoo.data.DATASETS)
    train_parser.add_argument("--epochs", type=int, help="default: the preset's, else zoo.fit's 10")
    train_parser.add_argument("--batch-size", type=int, help="default: the preset's")
    train_parser.add_argument(
        "--validation",
        type=float,
        help="fraction of train held out (0: none); default: the preset's, else 0.1",
    )
    train_parser.add_argument("--seed", type=int, default=0)
    train_parser.add_argument(
        "--verbose", type=int, choices=(0, 1, 2), default=1, help="2: one line per epoch"
    )
    train_parser.add_argument("--out", type=Path, help="default: runs/MODEL-DATASET")
    train_parser.add_argument(
        "--overwrite", action="store_true", help="train again over a finished run in --out"
    )
    train_parser.add_argument(
        "--figures",
        nargs="*",
        choices=experiment.FIGURES,
        default=experiment.FIGURES,
        metavar="NAME",
        help=f"the figures to draw (default: all of {', '.join(experiment.FIGURES)}; none "
        "when given no names)",
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
