"""The frame of the example scripts: one script per reference assignment, one subcommand per
experiment, each writing its tables (Markdown and CSV) and figures into a run directory.

    def default(ctx):                         # a Context: options, run dir, helpers
        report, row = ctx.train("kth_cnn", "default", reference=0.6932)
        return [row]

    STEPS = [Step("default", default, "the default CNN", dataset="cifar10", epochs=30)]
    if __name__ == "__main__":
        sys.exit(assignment.main(__doc__, STEPS))

Every subcommand takes --epochs, --batch-size, --dataset (a set of the same kind that
stands in, e.g. fashion_mnist for cifar10; images are resized to what the models
take), --out, --seed, --data-dir and --quick; ``all`` runs every subcommand in turn.
--quick is a smoke run of one epoch on a few mock examples (``tfds.testing.mock_data``),
of only the first of a step's variants (``Context.variants``) and with a run's history,
confusion matrix and per-class accuracy as its figures, so it runs anywhere in seconds;
its numbers mean nothing. A dataset that is neither
prepared nor downloadable stops the subcommand before any training, with the data
layer's message.

--stamp, --figure-format and --dpi reach every figure a subcommand draws, the library's
too (``plots.figure_defaults``). Each subcommand records its command line in
``out/<step>/command.json``; ``report`` (or ``all --report``) gathers the tables, figures
and commands of what ran into ``out/report.md`` and ``out/report.pdf`` (``handin``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime
import inspect
import json
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

import keras
import tensorflow_datasets as tfds

from zoo import data
from zoo.cli import experiment, handin
from zoo.data import sources
from zoo.evaluation.tables import markdown_table
from zoo.figures import plots
from zoo.figures.architecture import draw_architecture
from zoo.models import registry
from zoo.training import rundir, set_seed

QUICK_EXAMPLES = 48  # mock examples per split in --quick mode
# --quick draws the figures of a run that need no second pass of the model (predictions
# and t-SNE run it again, and on JAX compile it again).
QUICK_FIGURES = ("history", "confusion_matrix", "per_class_accuracy")
COLUMNS = (
    "experiment",
    "metric",
    "reference",
    "zoo",
    "reference_test_loss",
    "test_loss",
    "dataset",
    "epochs",
    "minutes",
    "backend",
)


@dataclasses.dataclass(frozen=True)
class Step:
    """A subcommand: ``run(ctx)`` trains and returns the rows of its results table.

    dataset: the default dataset (the reference's), None when the step takes no ``--dataset``.
    labels: what the step's datasets must label: "class" or "time" (the clocks).
    image_size: the (height, width) its models take; a stand-in dataset is resized to it.
    needs: other datasets it loads (e.g. a transfer target), checked before training.
    arguments: adds the step's own options to its parser.
    """

    name: str
    run: Callable[[Context], list[dict]]
    help: str
    dataset: str | None = None
    epochs: int = 10
    batch_size: int | None = None
    labels: str = "class"
    image_size: tuple[int, int] | None = None
    needs: tuple[str, ...] = ()
    arguments: Callable[[argparse.ArgumentParser], None] | None = None


@dataclasses.dataclass
class Context:
    """What a step works with: its parsed options, run directory and helpers."""

    step: Step
    args: argparse.Namespace
    out: Path

    @property
    def quick(self) -> bool:
        return self.args.quick

    @property
    def dataset(self) -> str | None:
        return self.args.dataset

    @property
    def epochs(self) -> int:
        return 1 if self.quick else self.args.epochs

    @property
    def seed(self) -> int:
        return self.args.seed

    def epochs_for(self, reference_epochs: str | int | None = None) -> int:
        """--epochs (1 with --quick), else the step's default, else the reference's own:
        ``reference_epochs`` as a number, or a preset's name for the preset's epochs."""
        if self.epochs is not None:
            return self.epochs
        if isinstance(reference_epochs, str):
            return registry.get_preset(reference_epochs).fit["epochs"]
        if reference_epochs is None:
            raise ValueError(f"The '{self.step.name}' experiment needs --epochs.")
        return reference_epochs

    def batch_size(self, preset: str | None = None) -> int | None:
        """--batch-size, else the step's, else the preset's (the reference's own); None
        when neither is set and no preset is given."""
        for size in (self.args.batch_size, self.step.batch_size):
            if size is not None:
                return size
        return registry.get_preset(preset).batch_size if preset else None

    def variants(self, items: list, quick: int = 1) -> list:
        """``items`` (a step's variants, settings, ...), or in --quick mode only the first
        (``quick=2``: the first and the last, for what a figure compares): a smoke run
        trains one model a step, in seconds."""
        items = list(items)
        if not self.quick or len(items) <= quick:
            return items
        return [items[0], items[-1]] if quick == 2 else items[:quick]

    def data_options(self, **options) -> dict:
        """``zoo.data.load`` options: the step's image size and --data-dir, then ``options``."""
        base = {"image_size": self.step.image_size, "data_dir": self.args.data_dir}
        return {**base, **options}

    def train(
        self,
        preset,
        name: str,
        *,
        reference=None,
        reference_loss=None,
        metric: str = "accuracy",
        dataset: str | None = None,
        model_options: dict | None = None,
        data_options: dict | None = None,
        seed: int | None = None,
        **fit_options,
    ):
        """Build ``preset`` for the dataset, train, evaluate and plot it in ``out/name``.

        ``preset`` is a registered name, or a Keras model to train as it is (say, one
        made by ``zoo.transfer``). Options override the preset's (``model_options`` its
        builder's, ``fit_options`` its ``zoo.fit`` ones); ``seed`` overrides --seed.
        Returns ``(model, report, row)``; the row scores ``metric`` (a field of the report, e.g.
        ``average_top1_recall``) next to the reference's value, and the test loss next to
        ``reference_loss``.
        """
        dataset = dataset or self.dataset
        seed = self.seed if seed is None else seed
        directory = self.out / name
        from_preset = not isinstance(preset, keras.Model)
        data_options = self.data_options(**(data_options or {}))
        batch_size = fit_options.pop("batch_size", None)
        batch_size = self.batch_size() if batch_size is None else batch_size
        if batch_size is not None:  # else the preset's own, or zoo.data.load's
            data_options["batch_size"] = batch_size
        fit_options["epochs"] = self.epochs_for(preset if from_preset else None)
        if from_preset:
            recipe, model = experiment.prepare(
                preset,
                dataset,
                model=model_options,
                data=data_options,
                fit=fit_options,
                seed=seed,
            )
            data_options, fit_options = recipe.data, recipe.fit
            evaluate_options = recipe.evaluate
        else:
            model, evaluate_options = preset, {}
        report = experiment.run(
            model,
            dataset,
            directory,
            data_options=data_options,
            fit_options=fit_options,
            evaluate_options=evaluate_options,
            seed=seed,
            overwrite=self.args.overwrite,
            verbose=self.args.verbose,
            figures=QUICK_FIGURES if self.quick else experiment.FIGURES,
        )
        summary = json.loads((directory / "report.json").read_text())
        row = self.row(
            name,
            summary[metric],
            reference=reference,
            metric=metric,
            dataset=dataset,
            epochs=summary["epochs_run"],
            seconds=summary["train_seconds"],
            test_loss=summary["test_loss"],
            reference_loss=reference_loss,
        )
        return model, report, row

    def architecture(self, name: str, model: keras.Model, figure: str, reference=None) -> dict:
        """Draw ``model`` in ``out/name`` (``zoo.plots.draw_architecture``) and return its
        row: its trainable parameters beside the reference's, labelled with ``figure``."""
        draw_architecture(model, self.out / name)
        trainable = registry.trainable_parameters(model)
        label = f"{name} ({figure})"
        return self.row(
            label, trainable, reference=reference, metric="trainable parameters", epochs=0
        )

    def plot_histories(self, rows: list[dict], name: str = "loss.png", metric: str = "loss"):
        """``metric`` per epoch of every trained row's run (``out/<experiment>/run``), one
        line each, in ``out/name``."""
        runs = {r["experiment"]: self.out / r["experiment"] / "run" / "history.csv" for r in rows}
        histories = {label: rundir.read_history(path) for label, path in runs.items()}
        plots.plot_histories(histories, self.out / name, metric=metric)

    def row(
        self,
        name,
        value,
        *,
        reference=None,
        metric="accuracy",
        dataset=None,
        epochs=None,
        seconds=None,
        test_loss=None,
        reference_loss=None,
    ) -> dict:
        """One results row: the reference's number next to the zoo's, and how it was
        measured; the test losses where they were measured or the reference gives one."""
        dataset = dataset or self.dataset or "-"
        losses = {"reference_test_loss": reference_loss, "test_loss": test_loss}
        return {
            "experiment": name,
            "metric": metric,
            "reference": reference,
            "zoo": value,
            **{column: loss for column, loss in losses.items() if loss is not None},
            "dataset": f"{dataset} (mock)" if self.quick else dataset,
            "epochs": self.epochs if epochs is None else epochs,
            "minutes": None if seconds is None else round(seconds / 60, 2),
            "backend": keras.backend.backend(),
        }


def timed(function, *arguments, **keywords):
    """``function(*arguments, **keywords)`` and the seconds it took."""
    start = time.perf_counter()
    return function(*arguments, **keywords), time.perf_counter() - start


def write_table(rows: list[dict], directory, name: str = "results", title: str = "") -> str:
    """Write ``rows`` as ``name.md`` (under ``title``) and ``name.csv`` in ``directory``;
    returns the Markdown."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    columns = _columns(rows)
    with open(directory / f"{name}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    text = (f"# {title}\n\n" if title else "") + markdown_table(rows, columns) + "\n"
    (directory / f"{name}.md").write_text(text)
    return text


def _columns(rows) -> list[str]:
    columns = [c for c in COLUMNS if any(c in r for r in rows)]
    for row in rows:
        columns += [k for k in row if k not in columns]
    return columns


def main(description: str, steps: list[Step], argv=None, *, default_out: str) -> int:
    """Parse the command line, run the chosen step (or ``all``) and print its table, or
    write the hand-in report of what ran (``report``, or ``all --report``).

    Returns the exit status: 2, with the message, for bad options or missing data.
    """
    by_name = {step.name: step for step in steps}
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(description, steps, default_out).parse_args(argv)
    try:
        if args.command != "report":
            chosen = steps if args.command == "all" else [by_name[args.command]]
            set_seed(args.seed)
            command = _command_line(steps, argv)
            with plots.figure_defaults(stamp=args.stamp, format=args.figure_format, dpi=args.dpi):
                for step in chosen:
                    step_args = _step_args(step, args) if args.command == "all" else args
                    _run(step, step_args, command)
        if args.command == "report" or getattr(args, "report", False):
            # The assignment's name: the docstring's first line up to its colon (the
            # line goes on into the next one).
            title = description.strip().splitlines()[0].split(": ")[0]
            experiments = [(step.name, step.help) for step in steps]
            paths = handin.write_report(args.out, experiments, title=title, stamp=args.stamp)
            print("Report: " + ", ".join(str(path) for path in paths))
    except (ValueError, data.DatasetNotAvailableError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _command_line(steps: list[Step], argv: list[str]) -> str:
    """The command that reruns this one: the backend, the script that defines the steps,
    the arguments."""
    script = os.path.relpath(inspect.getfile(steps[0].run))
    return f"KERAS_BACKEND={keras.backend.backend()} " + shlex.join(["python", script, *argv])


def _step_args(step: Step, args) -> argparse.Namespace:
    """``all`` gives every step its own defaults; a --dataset goes to the steps that
    take one with the same kind of labels."""
    args = argparse.Namespace(**vars(args))
    args.epochs = args.epochs or step.epochs
    if not step.dataset or not args.dataset or step.labels == "time":
        args.dataset = step.dataset
    return args


def _run(step: Step, args, command: str) -> list[dict]:
    out = Path(args.out) / step.name
    ctx = Context(step, args, out)
    mock = (
        tfds.testing.mock_data(num_examples=QUICK_EXAMPLES)
        if args.quick
        else contextlib.nullcontext()
    )
    with mock:
        check_datasets(step, args.dataset, args.data_dir)
        start = time.perf_counter()
        rows = step.run(ctx)
    seconds = time.perf_counter() - start
    title = f"{step.help} ({keras.backend.backend()}, {seconds:.0f} s)"
    text = write_table(rows, out, title=title)
    record = {
        "command": command,
        "backend": keras.backend.backend(),
        "seconds": round(seconds, 1),
        "finished": datetime.datetime.now().isoformat(timespec="seconds"),
        "stamp": args.stamp,
    }
    (out / "command.json").write_text(json.dumps(record, indent=1) + "\n")
    if any(r.get("reference") is not None and isinstance(r.get("zoo"), (int, float)) for r in rows):
        plots.plot_results(rows, out / "results.png", title=step.help)
    print(f"\n{text}\nTables and figures in {out}/")
    return rows


def check_datasets(step: Step, dataset: str | None, data_dir=None) -> None:
    """Fail before training: a dataset that cannot be had, or one with the wrong labels."""
    for name in (dataset, *step.needs):
        if name is None:
            continue
        spec = data.info(name, data_dir)
        is_time = spec.label_feature != "label"
        if name == dataset and is_time != (step.labels == "time"):
            wanted = "read clocks (a time label)" if step.labels == "time" else "classify images"
            kind = "times" if is_time else "classes"
            raise ValueError(
                f"The '{step.name}' experiment's models {wanted}, but the labels of '{name}' "
                f"are {kind}. Received: --dataset {name}"
            )
        sources.prepared_builder(name, data_dir=data_dir)


def _parser(description: str, steps: list[Step], default_out: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="EXPERIMENT")
    for step in steps:
        text = step.help.replace("%", "%%")  # argparse formats help with %
        sub = commands.add_parser(step.name, help=text, description=text)
        _common(sub, default_out, step)
        if step.arguments:
            step.arguments(sub)
    every = commands.add_parser(  # steps may share an option: the last one's help stays
        "all", help="every experiment in turn, with its defaults", conflict_handler="resolve"
    )
    _common(every, default_out, None)
    every.add_argument("--report", action="store_true", help="then write the hand-in report")
    for step in steps:  # `all` accepts every step's own options
        if step.arguments:
            step.arguments(every)
    report = commands.add_parser(
        "report",
        help="the hand-in report (report.md, report.pdf) of the experiments run in --out",
    )
    report.add_argument("--out", type=Path, default=Path(default_out), help="run directory")
    _stamp(report)
    return parser


def _stamp(parser) -> None:
    parser.add_argument(
        "--stamp",
        metavar="TEXT",
        help="an identifier on every figure and report page, e.g. AndrewID-Date (CMU HW1)",
    )


def _common(parser, default_out: str, step: Step | None) -> None:
    if step is None or step.dataset:
        choices = data.DATASETS
        default = step.dataset if step else None
        parser.add_argument(
            "--dataset",
            default=default,
            choices=choices,
            metavar="NAME",
            help=f"default {default}; a stand-in of the same kind, e.g. fashion_mnist "
            "(available: " + ", ".join(choices) + ")",
        )
    else:
        parser.set_defaults(dataset=None)
    epochs = step.epochs if step else None
    parser.add_argument("--epochs", type=int, default=epochs, help=f"default {epochs}")
    parser.add_argument("--batch-size", type=int, help="default: the reference's")
    parser.add_argument("--out", type=Path, default=Path(default_out), help="run directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--overwrite", action="store_true", help="train again over finished runs in --out"
    )
    parser.add_argument("--data-dir", help="tfds data dir (default: TFDS_DATA_DIR or ~)")
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    parser.add_argument(
        "--quick", action="store_true", help="one epoch on mock data: a smoke run in seconds"
    )
    _stamp(parser)
    parser.add_argument(
        "--figure-format", choices=plots.FORMATS, default="png", help="file format of figures"
    )
    parser.add_argument("--dpi", type=int, default=plots.DPI, help=f"default {plots.DPI}")
