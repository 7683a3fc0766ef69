"""The whole job of one assignment step: data -> model -> fit -> report -> figures.

``run`` is what ``python -m zoo train`` and ``make demo`` call; it writes
everything a report needs into one directory:

    out/run/          zoo.fit's run directory (best.keras, history.csv, TensorBoard)
    out/report.json   the evaluation Report, plus wall time and epochs
    out/report.txt    the same, readable
    out/summary.txt   the model summary (layers, shapes, parameters)
    out/figures/      history, confusion matrix, per-class accuracy, predictions, t-SNE

A clock model (``clock_*``) is scored by its common-sense error instead, with a grid
of clocks read and an error histogram for figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras

from zoo import clock, data, plots
from zoo.data import pipeline
from zoo.evaluation import Report, evaluate
from zoo.training import fit, set_seed


def run(
    model: keras.Model,
    dataset: str,
    out,
    *,
    epochs: int,
    batch_size: int = 128,
    validation: float = 0.1,
    tsne_layer: str | None = None,
    data_options: dict | None = None,
    evaluate_options: dict | None = None,
    seed: int | None = None,
    overwrite: bool = False,
    verbose="auto",
    **fit_options,
) -> Report | clock.ClockReport:
    """Train ``model`` on ``dataset``, evaluate it on the test split, write report and figures.

    ``data_options`` go to ``zoo.data.load_splits`` (normalize, augment, image_size, ...),
    ``evaluate_options`` to ``zoo.evaluate`` (``flip``), ``fit_options`` to ``zoo.fit``.
    ``seed`` seeds the data order and augmentation (unless ``data_options`` has its own)
    and the fit; for the same initial weights, ``zoo.set_seed(seed)`` before building
    ``model``. ``tsne_layer`` defaults to the layer feeding the head. A finished run in
    ``out`` is evaluated again, not retrained, unless ``overwrite``.
    """
    out = Path(out)
    spec = data.info(dataset)
    data_options = {"seed": seed, **(data_options or {})}
    ids = pipeline.resolve_classes(spec, data_options.get("classes"))
    class_names = [spec.class_names[i] for i in ids] if ids else spec.class_names
    if seed is not None:
        set_seed(seed)
    train, val, test = data.load_splits(
        dataset, validation=validation, batch_size=batch_size, **data_options
    )
    history = fit(
        model,
        train,
        val,
        epochs=epochs,
        run_dir=out / "run",
        verbose=verbose,
        seed=seed,
        overwrite=overwrite,
        **fit_options,
    )
    seconds = history.train_seconds
    reads_clocks = isinstance(model.layers[-1], clock.ClockOutput)
    report = (
        clock.evaluate(model, test)
        if reads_clocks
        else evaluate(model, test, class_names=class_names, **(evaluate_options or {}))
    )

    summary = {
        "model": model.name,
        "dataset": dataset,
        "backend": keras.backend.backend(),
        "epochs_run": len(history.history["loss"]),
        "train_seconds": round(seconds, 1),
        "parameters": model.count_params(),
        **report.to_dict(),
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(summary, indent=2))
    write_summary(model, out / "summary.txt")
    text = (
        f"{model.name} on {dataset} ({keras.backend.backend()}): "
        f"{summary['epochs_run']} epochs in {seconds / 60:.1f} min\n\n{report}"
    )
    (out / "report.txt").write_text(text)

    figures = out / "figures"
    plots.plot_history(history, figures / "history.png")
    if reads_clocks:
        plots.plot_clock_predictions(model, test, figures / "predictions.png")
        plots.plot_clock_errors(report, figures / "errors.png")
        print(f"{text}\nReport and figures in {out}/")
        return report
    plots.plot_confusion_matrix(report, figures / "confusion_matrix.png")
    plots.plot_per_class_accuracy(report, figures / "per_class_accuracy.png")
    plots.plot_predictions(model, test, figures / "predictions.png", class_names=class_names)
    layer = tsne_layer or _layer_before_head(model)
    plots.plot_tsne(model, test, layer, figures / f"tsne_{layer}.png", class_names=class_names)
    print(text)
    print(f"Report and figures in {out}/")
    return report


def write_summary(model: keras.Model, path) -> None:
    """``model.summary()`` as a text file: the model summary assignments ask for."""
    lines = []
    model.summary(print_fn=lambda text, **_: lines.append(text))
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def _layer_before_head(model: keras.Model) -> str:
    """The last layer feeding the head that is not a Dropout (identity at test time)."""
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.Dropout)]
    names = [layer.name for layer in layers]
    return names[names.index("head") - 1] if "head" in names else names[-2]
