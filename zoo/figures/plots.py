"""The figures the reference reports hand in: loss curves, confusion matrices, per-class
accuracy, grids of predictions and images, t-SNE of a hidden layer.

Every function builds a `matplotlib.figure.Figure` directly (no pyplot state, so it is
safe headless and in threads), returns it, and saves it when given `path`, all through
`save_figure`: ``stamp=`` writes an identifier under the figure (CMU HW1 asks for
"AndrewID-Date" on every plot), ``format=`` is png, pdf or svg (the path's suffix
becomes the format's) and ``dpi=`` the resolution. `figure_defaults` sets them for
every figure drawn inside a block, as the example scripts' --stamp, --figure-format
and --dpi do.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import math
from pathlib import Path

import keras
import matplotlib
import numpy as np
from matplotlib.figure import Figure

from zoo.evaluation import clock, predict_arrays, take_examples
from zoo.evaluation.metrics import as_labels, common_sense_error
from zoo.progress import progress
from zoo.training.rundir import read_history

DPI = 120
FORMATS = ("png", "pdf", "svg")
STAMP_ID = "zoo-stamp"  # the stamp's artist id, so that saving again replaces it
RIGHT, WRONG = "tab:green", "tab:red"

_DEFAULTS = contextvars.ContextVar("zoo_figure_defaults", default=None)  # a dict when set


def _check_options(stamp=None, format=None, dpi=None) -> None:
    if stamp is not None and not isinstance(stamp, str):
        raise ValueError(f"`stamp` must be text. Received: stamp={stamp!r}")
    if format is not None and format not in FORMATS:
        raise ValueError(f"Figures are saved as {', '.join(FORMATS)}. Received: format={format!r}")
    if dpi is not None and not (isinstance(dpi, (int, float)) and dpi > 0):
        raise ValueError(f"`dpi` must be a positive number. Received: dpi={dpi!r}")


@contextlib.contextmanager
def figure_defaults(*, stamp: str | None = None, format: str | None = None, dpi=None):
    """Within the block, every figure takes these unless its call says otherwise: a
    script's flags reach the figures that library code draws for it."""
    _check_options(stamp, format, dpi)
    given = {"stamp": stamp, "format": format, "dpi": dpi}
    token = _DEFAULTS.set(
        {**(_DEFAULTS.get() or {}), **{k: v for k, v in given.items() if v is not None}}
    )
    try:
        yield
    finally:
        _DEFAULTS.reset(token)


def stamp_figure(fig: Figure, stamp: str) -> None:
    """Write ``stamp`` under the figure's bottom right corner, replacing an earlier one.
    Below the figure it covers no label; the tight bounding box of a save takes it in."""
    for text in [t for t in fig.texts if t.get_gid() == STAMP_ID]:
        text.remove()
    fig.text(0.995, 0, stamp, ha="right", va="top", fontsize=7, color="0.3", gid=STAMP_ID)


def save_figure(fig: Figure, path=None, *, stamp=None, format=None, dpi=None) -> Path | None:
    """Stamp ``fig`` and save it at ``path`` with the format's suffix; returns that path.

    Unset options take `figure_defaults`, then the path's suffix (png without one) and
    `DPI`. PDFs embed TrueType fonts (``pdf.fonttype`` 42) rather than Type 3 ones, which
    some viewers draw badly.
    """
    defaults = _DEFAULTS.get() or {}
    stamp = defaults.get("stamp") if stamp is None else stamp
    dpi = defaults.get("dpi", DPI) if dpi is None else dpi
    if format is None and path is not None:
        format = defaults.get("format") or Path(path).suffix[1:].lower() or "png"
    _check_options(stamp, format, dpi)
    if stamp is not None:
        stamp_figure(fig, stamp)
    if path is None:
        return None
    path = Path(path).with_suffix(f".{format}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig.savefig(path, format=format, dpi=dpi, bbox_inches="tight")
    return path


def _save(fig: Figure, path, *, stamp, format, dpi) -> Figure:
    save_figure(fig, path, stamp=stamp, format=format, dpi=dpi)
    return fig


def _history_dict(history) -> dict:
    if isinstance(getattr(history, "history", None), dict):
        history = history.history
    if isinstance(history, (str, Path)):
        history = read_history(history)
    if not isinstance(history, dict):
        raise ValueError(
            "`history` must be a keras History, a dict of lists or a CSVLogger file. "
            f"Received: {type(history).__name__}"
        )
    return {key: list(values) for key, values in history.items()}


def plot_history(history, path=None, metrics=None, *, stamp=None, format=None, dpi=None) -> Figure:
    """One panel per metric with its training and `val_` curves; x is the 1-based epoch."""
    logs = _history_dict(history)
    epochs = logs.pop("epoch", None)
    available = [key for key in logs if not key.startswith("val_")]
    available += [key[4:] for key in logs if key.startswith("val_") and key[4:] not in logs]
    if metrics is None:
        metrics = sorted(available, key=lambda key: key != "loss")
    unknown = [m for m in metrics if m not in available]
    if not available or unknown:
        raise ValueError(
            f"Unknown or no metrics to plot; the history has {available}. "
            f"Received: metrics={unknown or metrics}"
        )
    ncols = min(len(metrics), 3)
    nrows = math.ceil(len(metrics) / ncols)
    fig = Figure(figsize=(4.5 * ncols, 3.4 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, metrics, strict=False):
        for key, label in ((name, "train"), (f"val_{name}", "validation")):
            if key in logs:
                values = logs[key]
                x = np.asarray(epochs[: len(values)]) + 1 if epochs else np.arange(len(values)) + 1
                ax.plot(x, values, marker="o" if len(values) < 30 else None, ms=3, label=label)
        ax.set(title=name, xlabel="epoch")
        if name in ("lr", "learning_rate") and min(logs.get(name) or [0]) > 0:
            ax.set_yscale("log")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
        ax.legend()
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def plot_histories(
    histories: dict, path=None, metric: str = "loss", *, stamp=None, format=None, dpi=None
) -> Figure:
    """One line per run of ``metric`` (training left, validation right), to compare runs.

    ``histories`` maps a label to anything ``plot_history`` takes (a History, a dict of
    lists, a ``history.csv`` path).
    """
    if not histories:
        raise ValueError("`histories` is empty. Received: {}")
    logs = {label: _history_dict(h) for label, h in histories.items()}
    missing = [label for label, log in logs.items() if metric not in log]
    if missing:
        raise ValueError(f"No '{metric}' in the histories of {missing}. Received: {metric=}")
    validated = any(f"val_{metric}" in log for log in logs.values())
    panels = [metric, f"val_{metric}"] if validated else [metric]
    fig = Figure(figsize=(5 * len(panels), 3.6), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False).ravel()
    for ax, key in zip(axes, panels):
        for label, log in logs.items():
            if key in log:
                values = log[key]
                marker = "o" if len(values) < 30 else None
                ax.plot(np.arange(1, len(values) + 1), values, marker=marker, ms=3, label=label)
        ax.set(title=("validation " if key.startswith("val_") else "training ") + metric)
        ax.set(xlabel="epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    axes[-1].legend(fontsize=7)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def plot_results(
    rows: list[dict], path=None, title: str = "", *, stamp=None, format=None, dpi=None
) -> Figure:
    """Bars of the zoo's number next to the reference's per experiment (results-table rows
    with ``experiment``, ``zoo`` and ``reference``; a missing reference number draws no
    bar)."""
    rows = [r for r in rows if isinstance(r.get("zoo"), (int, float))]
    if not rows:
        raise ValueError("No rows with a number in 'zoo' to plot. Received: no such rows")
    x = np.arange(len(rows))
    fig = Figure(figsize=(max(5.0, 0.9 * len(rows) + 2), 4), layout="constrained")
    ax = fig.subplots()
    reference = [np.nan if r.get("reference") is None else float(r["reference"]) for r in rows]
    ax.bar(x - 0.2, reference, 0.4, label="reference report", color="tab:gray")
    ax.bar(x + 0.2, [float(r["zoo"]) for r in rows], 0.4, label="zoo", color="tab:blue")
    ax.set_xticks(x, [r["experiment"] for r in rows], rotation=30, ha="right", fontsize=8)
    metrics = sorted({str(r.get("metric", "")) for r in rows})
    ax.set(ylabel=", ".join(metrics), title=title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def plot_confusion_matrix(
    report, path=None, normalize: bool = True, *, stamp=None, format=None, dpi=None
) -> Figure:
    """Heatmap of a `Report`'s confusion matrix, rows true, columns predicted.

    With `normalize`, each row is divided by its class's support (rows of absent
    classes stay 0). Cells are annotated for 20 classes or fewer.
    """
    cm = np.asarray(report.confusion_matrix, dtype=float)
    names = list(report.class_names)
    k = len(cm)
    if normalize:
        totals = cm.sum(axis=1, keepdims=True)
        cm = np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0)
    size = float(np.clip(0.5 * k + 2, 5, 16))
    fig = Figure(figsize=(size + 1, size))
    ax = fig.subplots()
    image = ax.imshow(cm, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    fig.colorbar(image, ax=ax, shrink=0.8, label="fraction of the true class" if normalize else "")
    fontsize = float(np.clip(600 / k, 5, 10))
    ax.set_xticks(range(k), names, rotation=90, fontsize=fontsize)
    ax.set_yticks(range(k), names, fontsize=fontsize)
    ax.set(xlabel="predicted", ylabel="true", title="confusion matrix")
    if k <= 20:
        threshold = cm.max() / 2 if cm.max() > 0 else 1
        for (i, j), value in np.ndenumerate(cm):
            text = f"{value:.2f}" if normalize else f"{int(value)}"
            color = "white" if value > threshold else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize * 0.9, color=color)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def plot_per_class_accuracy(
    report, path=None, n: int = 5, *, stamp=None, format=None, dpi=None
) -> Figure:
    """Bars of per-class accuracy, best first; the best and worst n in green and red."""
    support = np.asarray(report.per_class["support"])
    present = np.flatnonzero(support > 0)
    accuracy = np.asarray(report.per_class["accuracy"])[present]
    order = np.lexsort((present, -accuracy))
    names = [report.class_names[present[i]] for i in order]
    colors = ["tab:gray"] * len(order)
    for i in range(min(n, len(order) // 2)):  # with few classes, half best and half worst
        colors[i], colors[-1 - i] = RIGHT, WRONG
    fig = Figure(figsize=(float(np.clip(0.16 * len(order) + 2, 5, 18)), 4), layout="constrained")
    ax = fig.subplots()
    ax.bar(range(len(order)), accuracy[order], color=colors)
    mean = float(accuracy.mean())
    ax.axhline(mean, color="black", ls="--", lw=1)
    ax.set_xticks(
        range(len(order)), names, rotation=90, fontsize=float(np.clip(600 / len(order), 5, 9))
    )
    ax.set(
        ylim=(0, 1.02),
        ylabel="accuracy (recall)",
        title=f"per-class accuracy, best and worst {n} coloured; "
        f"dashed: average top-1 recall {mean:.3f}",
    )
    ax.set_xlim(-0.6, len(order) - 0.4)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def _display(image) -> tuple[np.ndarray, str | None]:
    """An image rescaled to [0, 1] for imshow, and the colour map it needs."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim == 1 and math.isqrt(image.size) ** 2 == image.size:  # a flattened square
        image = image.reshape(math.isqrt(image.size), -1)
    if image.ndim == 3 and image.shape[-1] not in (3, 4):
        image = image[..., 0]
    if image.ndim == 3:
        image = image[..., :3]
    if image.ndim not in (2, 3):
        raise ValueError(
            "Images must have shape (H, W), (H, W, C) or be flattened squares. "
            f"Received: image.shape={image.shape}"
        )
    low, high = np.nanmin(image), np.nanmax(image)
    image = (image - low) / (high - low) if high > low else np.zeros_like(image)
    return image, ("gray" if image.ndim == 2 else None)


def _grid(images, titles, colors, ncols: int) -> Figure:
    count = len(images)
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    fig = Figure(figsize=(1.6 * ncols, 1.75 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i < count:
            image, cmap = _display(images[i])
            ax.imshow(image, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[i], fontsize=8, color=colors[i] if colors else "black")
    return fig


def _name(label, class_names) -> str:
    if class_names is not None and isinstance(label, (int, np.integer)):
        return str(class_names[int(label)])
    return str(label)


def plot_images(
    images,
    labels=None,
    path=None,
    *,
    class_names=None,
    ncols: int = 8,
    stamp=None,
    format=None,
    dpi=None,
) -> Figure:
    """A plain grid of images titled by their labels (ids, one-hot rows or strings)."""
    images = np.asarray(images)
    titles = None
    if labels is not None:
        labels = np.asarray(labels)
        if labels.dtype.kind in "iufb":
            labels = as_labels(labels, "labels")
        if len(labels) != len(images):
            raise ValueError(
                "`images` and `labels` must have the same length. "
                f"Received: len(images)={len(images)}, len(labels)={len(labels)}"
            )
        titles = [_name(label, class_names) for label in labels.tolist()]
    fig = _grid(images, titles, None, ncols)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def plot_predictions(
    model,
    data,
    path=None,
    *,
    class_names=None,
    n: int = 16,
    seed=0,
    stamp=None,
    format=None,
    dpi=None,
) -> Figure:
    """A grid of n random examples titled "true / predicted", green if right, red if wrong."""
    x, y = take_examples(data, n, seed=seed)
    y_true = as_labels(y)
    y_pred = np.argmax(np.asarray(model.predict(x, verbose=0)), axis=-1)
    titles = [
        f"{_name(t, class_names)} / {_name(p, class_names)}"
        for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True)
    ]
    colors = [RIGHT if t == p else WRONG for t, p in zip(y_true, y_pred, strict=True)]
    fig = _grid(x, titles, colors, ncols=math.ceil(math.sqrt(len(x))))
    fig.suptitle("true / predicted", fontsize=10)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def _get_layer(model, layer):
    names = [lay.name for lay in model.layers]
    if isinstance(layer, int) and -len(names) <= layer < len(names):
        return model.layers[layer]
    if layer in names:
        return model.get_layer(layer)
    close = difflib.get_close_matches(str(layer), names, n=3, cutoff=0.3)
    listed = close + [name for name in names if name not in close]
    hint = f"Did you mean {close[0]!r}? " if close else ""
    raise ValueError(
        f"Model {model.name!r} has no layer {layer!r}. {hint}Its layers (closest first): "
        f"{listed}. Received: layer={layer!r}"
    )


EXACT_TSNE_POINTS = 200


def plot_tsne(
    model,
    data,
    layer,
    path=None,
    *,
    n: int = 1000,
    seed=0,
    class_names=None,
    perplexity=30,
    verbose="auto",
    stamp=None,
    format=None,
    dpi=None,
) -> Figure:
    """t-SNE of a hidden layer's activations for up to n examples, coloured by true class.

    ``verbose``: unless 0, a bar over the batches of activations and one of a single step
    around the t-SNE fit, which shows its elapsed time (scikit-learn's own ``verbose``
    prints a line per stage of the optimisation instead).
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    target = _get_layer(model, layer)
    x, y = take_examples(data, n, seed=seed)
    y = as_labels(y)
    extractor = keras.Model(model.inputs, target.output)
    features = np.asarray(predict_arrays(extractor, x, verbose=verbose)).reshape(len(x), -1)
    if features.shape[1] > 50:
        dims = min(50, *features.shape)
        features = PCA(dims, random_state=seed).fit_transform(features)
    perplexity = min(perplexity, max(1.0, (len(x) - 1) / 3))
    # Barnes-Hut's OpenMP threads can take seconds on a few dozen points in a process whose
    # backend holds the cores; the exact method is numpy and quick at that size.
    method = "exact" if len(x) <= EXACT_TSNE_POINTS else "barnes_hut"
    tsne = TSNE(2, perplexity=perplexity, init="pca", method=method, random_state=seed)
    for _ in progress(range(1), 1, verbose=verbose, title=f"t-SNE of {len(x)} points"):
        points = tsne.fit_transform(features)
    fig = Figure(figsize=(7.5, 6), layout="constrained")
    ax = fig.subplots()
    classes = np.unique(y)
    if len(classes) <= 20:
        colours = matplotlib.colormaps["tab10" if len(classes) <= 10 else "tab20"].colors
        for colour, c in zip(colours, classes.tolist(), strict=False):
            mask = y == c
            ax.scatter(*points[mask].T, s=8, color=colour, label=_name(c, class_names))
        ax.legend(markerscale=2, fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5))
    else:  # too many classes for a legend: a colour bar of class ids
        scatter = ax.scatter(*points.T, s=8, c=y, cmap="turbo")
        fig.colorbar(scatter, ax=ax, label="class")
    ax.set(title=f"t-SNE of layer {target.name!r} ({len(x)} examples)", xticks=[], yticks=[])
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def plot_clock_predictions(
    model, data, path=None, *, n: int = 16, seed=0, tolerance=5.0, stamp=None, format=None, dpi=None
) -> Figure:
    """A grid of n random clocks titled "true / read" (h:mm), red when more than
    ``tolerance`` minutes off."""
    x, y = take_examples(data, n, seed=seed)
    true = np.asarray(y, np.float64).reshape(-1)
    read = clock.predict_minutes(model, x, verbose=0)  # a few clocks: no bar
    errors = common_sense_error(true, read)
    titles = [
        f"{clock.format_time(t)} / {clock.format_time(p)}" for t, p in zip(true, read, strict=True)
    ]
    colors = [RIGHT if e <= tolerance else WRONG for e in errors]
    fig = _grid(x, titles, colors, ncols=math.ceil(math.sqrt(len(x))))
    fig.suptitle(f"true / read (red: more than {tolerance:g} min off)", fontsize=10)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def plot_clock_errors(
    reports, path=None, labels=None, *, stamp=None, format=None, dpi=None
) -> Figure:
    """Histogram of common-sense errors (minutes, log-spaced bins) for one or more
    ``zoo.clock.ClockReport``s, with each one's median in the legend."""
    reports = reports if isinstance(reports, (list, tuple)) else [reports]
    labels = labels or [report.framing for report in reports]
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    bins = np.concatenate([[0], np.geomspace(0.1, 360, 40)])
    for report, name in zip(reports, labels, strict=True):
        label = f"{name} (median {report.median:.1f}, mean {report.mean:.1f})"
        ax.hist(report.errors, bins=bins, histtype="step", linewidth=1.5, label=label)
    ax.set_xscale("symlog", linthresh=0.1)
    ax.set_xlabel("common-sense error (minutes)")
    ax.set_ylabel("clocks")
    ax.legend(fontsize=8)
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def _show(image, value_range) -> tuple[np.ndarray, str | None]:
    """An image for imshow: clipped to ``value_range``, or rescaled to its own range."""
    if value_range is None:
        return _display(image)
    low, high = value_range
    image = np.clip((np.asarray(image, np.float32) - low) / (high - low), 0.0, 1.0)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    return image, ("gray" if image.ndim == 2 else None)


def plot_image_grid(
    images,
    path=None,
    *,
    row_labels=None,
    col_labels=None,
    title=None,
    value_range=(0.0, 1.0),
    stamp=None,
    format=None,
    dpi=None,
) -> Figure:
    """Images laid out as given: ``(rows, cols, H, W, C)``, or ``(n, H, W, C)`` as one row.

    Latent traversals and walks (``zoo.generative.traverse``/``walk``) and reconstructions
    use it. ``value_range`` is the pixel range shown black to white (None: per image).
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]  # (n, H, W) greyscale
    if images.ndim == 4:
        images = images[None]
    if images.ndim != 5 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "`images` must be (rows, cols, H, W, C) or (n, H, W, C) with 1 or 3 channels. "
            f"Received: images.shape={images.shape}"
        )
    rows, cols = images.shape[:2]
    for labels, count, what in ((row_labels, rows, "row"), (col_labels, cols, "col")):
        if labels is not None and len(labels) != count:
            raise ValueError(
                f"`{what}_labels` needs {count} entries. Received: {len(labels)} labels"
            )
    # Inches above the images for the column labels and the title, so that neither
    # overlaps the other however few rows there are.
    top = (0.25 if col_labels is not None else 0.05) + (0.3 if title else 0.0)
    height = 1.2 * rows + top + 0.05
    fig = Figure(figsize=(1.2 * cols + (0.8 if row_labels else 0), height), dpi=DPI)
    grid = {"wspace": 0.05, "hspace": 0.1, "top": 1 - top / height, "bottom": 0.05 / height}
    axes = fig.subplots(rows, cols, squeeze=False, gridspec_kw=grid)
    for (r, c), ax in np.ndenumerate(axes):
        image, cmap = _show(images[r, c], value_range)
        ax.imshow(image, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if row_labels is not None and c == 0:
            ax.set_ylabel(str(row_labels[r]), fontsize=8)
        if col_labels is not None and r == 0:
            ax.set_title(str(col_labels[c]), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10, y=1 - 0.03 / height, va="top")
    return _save(fig, path, stamp=stamp, format=format, dpi=dpi)


def plot_reconstructions(
    originals,
    reconstructions,
    path=None,
    *,
    titles=None,
    value_range=(0.0, 1.0),
    stamp=None,
    format=None,
    dpi=None,
) -> Figure:
    """Originals in the top row over their reconstructions (COSC420 A1's Figure 3)."""
    originals, reconstructions = np.asarray(originals), np.asarray(reconstructions)
    if originals.shape != reconstructions.shape:
        raise ValueError(
            "`originals` and `reconstructions` must have the same shape. Received: "
            f"{originals.shape} and {reconstructions.shape}"
        )
    return plot_image_grid(
        np.stack([originals, reconstructions]),
        path,
        row_labels=["original", "reconstruction"],
        col_labels=titles,
        value_range=value_range,
        stamp=stamp,
        format=format,
        dpi=dpi,
    )
