"""The whole job of one assignment step: data -> model -> fit -> report -> figures.

``run_preset`` (a preset's recipe, with overrides) and ``run`` (any model) are what
``python -m zoo train``, ``make demo`` and the example scripts call; they write
everything a report needs into one directory:

    out/run/          zoo.fit's run directory (best.keras, history.csv, TensorBoard)
    out/report.json   the evaluation Report, plus the test loss, wall time and epochs
    out/report.txt    the same, readable
    out/summary.txt   the model summary (layers, shapes, parameters)
    out/figures/      history, confusion matrix, per-class accuracy, predictions, t-SNE
                      (``figures``: which of them)

A clock model (``clock_*``) is scored by its common-sense error instead, with a grid
of clocks read and an error histogram for figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras

from zoo import clock
from zoo import data as zoo_data
from zoo.data import pipeline
from zoo.evaluation import Report, evaluate
from zoo.figures import plots, write_summary
from zoo.models.registry import Preset, get_preset
from zoo.training import fit, set_seed

FIGURES = ("history", "confusion_matrix", "per_class_accuracy", "predictions", "tsne")


def prepare(
    preset: str | Preset,
    dataset: str,
    *,
    model=None,
    data=None,
    fit=None,
    evaluate=None,
    seed: int | None = None,
) -> tuple[Preset, keras.Model]:
    """A preset's recipe for ``dataset``, with the ``model``, ``data``, ``fit`` and
    ``evaluate`` options given winning over it (``Preset.merge``), and its model.

    The dataset gives the input shape and the number of classes, unless ``model`` says
    otherwise; ``seed`` seeds the initial weights."""
    preset = get_preset(preset) if isinstance(preset, str) else preset
    preset = preset.merge(data=data, fit=fit, evaluate=evaluate)
    spec = zoo_data.info(dataset, preset.data.get("data_dir"))
    shape = spec.model_options(preset.data.get("image_size"), preset.data.get("classes"))
    preset = preset.merge(model={**shape, **(model or {})})
    if seed is not None:
        set_seed(seed)
    return preset, preset.build()


def run_preset(preset: str | Preset, dataset: str, out, *, seed=None, **options):
    """``prepare`` a preset for ``dataset`` (``model``, ``data``, ``fit`` and ``evaluate``
    options among ``options``) and ``run`` it (the other ``options``)."""
    stages = {k: options.pop(k, None) for k in ("model", "data", "fit", "evaluate")}
    recipe, model = prepare(preset, dataset, seed=seed, **stages)
    return run(
        model,
        dataset,
        out,
        data_options=recipe.data,
        fit_options=recipe.fit,
        evaluate_options=recipe.evaluate,
        seed=seed,
        **options,
    )


def run(
    model: keras.Model,
    dataset: str,
    out,
    *,
    data_options=None,
    fit_options=None,
    evaluate_options=None,
    validation: float | None = None,
    tsne_layer: str | None = None,
    seed: int | None = None,
    overwrite: bool = False,
    verbose="auto",
    figures=FIGURES,
) -> Report | clock.ClockReport:
    """Train ``model`` on ``dataset``, evaluate it on the test split, write report and figures.

    ``data_options`` go to ``zoo.data.load_splits`` (batch_size, normalize, augment, ...),
    ``fit_options`` to ``zoo.fit`` (epochs, optimizer, ...) and ``evaluate_options`` to
    ``zoo.evaluate`` (``flip``). ``validation``, the fraction of train held out, wins
    over ``data_options``' own (a preset's: 0 for the references that held nothing out,
    training on the whole train split and monitoring the training loss), else
    ``load_splits``'s 0.1. ``seed`` seeds the data order and augmentation (unless
    ``data_options`` has its own) and the fit; for the same initial weights,
    ``zoo.set_seed(seed)`` before building ``model`` (``run_preset`` does). ``tsne_layer``
    defaults to the layer feeding the head. A finished run in ``out`` is evaluated
    again, not retrained, unless ``overwrite``. ``figures``: which of ``FIGURES`` to
    draw (a clock model's are its history, predictions and errors).
    """
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValueError(
            f"Unknown figures {sorted(unknown)}; valid: {FIGURES}. Received: {figures}"
        )
    out = Path(out)
    data_options = {"seed": seed, **(data_options or {})}
    if validation is not None:
        data_options["validation"] = validation
    spec = zoo_data.info(dataset, data_options.get("data_dir"))
    ids = pipeline.resolve_classes(spec, data_options.get("classes"))
    class_names = [spec.class_names[i] for i in ids] if ids else spec.class_names
    if seed is not None:
        set_seed(seed)
    train, val, test = zoo_data.load_splits(dataset, verbose=verbose, **data_options)
    history = fit(
        model,
        train,
        val,
        run_dir=out / "run",
        verbose=verbose,
        seed=seed,
        overwrite=overwrite,
        **(fit_options or {}),
    )
    seconds = history.train_seconds
    reads_clocks = isinstance(model.layers[-1], clock.ClockOutput)
    report = (
        clock.evaluate(model, test, verbose=verbose)
        if reads_clocks
        else evaluate(
            model, test, class_names=class_names, verbose=verbose, **(evaluate_options or {})
        )
    )

    # The compiled loss on the test split, as Keras's model.evaluate reports it (with any
    # weight penalties): the "Test Loss" the references' tables give beside accuracy.
    test_loss = model.evaluate(test, verbose=0, return_dict=True)["loss"]
    summary = {
        "model": model.name,
        "dataset": dataset,
        "backend": keras.backend.backend(),
        "epochs_run": len(history.history["loss"]),
        "train_seconds": round(seconds, 1),
        "parameters": model.count_params(),
        "test_loss": float(test_loss),
        **report.to_dict(),
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(summary, indent=2))
    write_summary(model, out / "summary.txt")  # the model summary assignments ask for
    text = (
        f"{model.name} on {dataset} ({keras.backend.backend()}): "
        f"{summary['epochs_run']} epochs in {seconds / 60:.1f} min\n\n{report}"
    )
    (out / "report.txt").write_text(text)

    drawn = out / "figures"
    if "history" in figures:
        plots.plot_history(history, drawn / "history.png")
    if reads_clocks:
        if "predictions" in figures:
            plots.plot_clock_predictions(model, test, drawn / "predictions.png")
        plots.plot_clock_errors(report, drawn / "errors.png")
        print(f"{text}\nReport and figures in {out}/")
        return report
    if "confusion_matrix" in figures:
        plots.plot_confusion_matrix(report, drawn / "confusion_matrix.png")
    if "per_class_accuracy" in figures:
        plots.plot_per_class_accuracy(report, drawn / "per_class_accuracy.png")
    if "predictions" in figures:
        plots.plot_predictions(model, test, drawn / "predictions.png", class_names=class_names)
    if "tsne" in figures:
        layer = tsne_layer or _layer_before_head(model)
        tsne_path = drawn / f"tsne_{layer}.png"
        plots.plot_tsne(model, test, layer, tsne_path, class_names=class_names, verbose=verbose)
    print(text)
    print(f"Report and figures in {out}/")
    return report


def _layer_before_head(model: keras.Model) -> str:
    """The last layer feeding the head that is not a Dropout (identity at test time)."""
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.Dropout)]
    names = [layer.name for layer in layers]
    return names[names.index("head") - 1] if "head" in names else names[-2]
