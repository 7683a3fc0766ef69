"""One run directory holds one run of ``zoo.fit``: started, resumed after a crash, or
finished, never two runs mixed.

``fit.json`` records the run's options and its status: ``running`` from the start,
``complete`` once ``model.fit`` returned (with ``model.keras``, the final model).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import keras

from zoo.errors import differences

RUNNING, COMPLETE = "running", "complete"
OPTIONS = "fit.json"
FINAL_MODEL = "model.keras"
# What zoo.fit writes into a run directory; overwrite=True removes just these.
ARTIFACTS = (OPTIONS, "history.csv", "best.keras", FINAL_MODEL, "backup", "tensorboard")


def claim(run_dir: Path, options: dict, *, overwrite: bool = False) -> str:
    """Make ``run_dir`` this run's; returns ``RUNNING`` (start or resume) or ``COMPLETE``.

    A directory with a finished or interrupted run of other options is refused, as is
    a finished run that saved no final model; ``overwrite`` clears either first.
    """
    run_dir = Path(run_dir)
    if overwrite:
        clear(run_dir)
    found = _read(run_dir)
    options = json.loads(json.dumps(options))  # tuples as lists, as they are read back
    if found is None:
        if (run_dir / "history.csv").exists() or (run_dir / "backup").exists():
            raise FileExistsError(
                f"The run directory '{run_dir}' holds training logs without {OPTIONS}, so "
                "it cannot be resumed. Pass overwrite=True (--overwrite) to start over, or "
                f"choose another directory. Received: run_dir='{run_dir}'"
            )
    else:
        stored = {k: v for k, v in found.items() if k not in ("status", "train_seconds")}
        detail = differences(stored, options)
        if detail:
            raise ValueError(
                f"The run directory '{run_dir}' holds a run with other options ({detail}). "
                "Pass overwrite=True (--overwrite) to start over, or choose another "
                f"directory. Received: run_dir='{run_dir}'"
            )
        if _status(run_dir, found) == COMPLETE:
            if not (run_dir / FINAL_MODEL).exists():
                raise FileExistsError(
                    f"The run in '{run_dir}' is finished but kept no final model "
                    f"({FINAL_MODEL}: an older zoo's run). Pass overwrite=True (--overwrite) "
                    f"to train again. Received: run_dir='{run_dir}'"
                )
            return COMPLETE
    run_dir.mkdir(parents=True, exist_ok=True)
    _write(run_dir, {**options, "status": RUNNING})
    return RUNNING


def complete(model: keras.Model, run_dir: Path, seconds: float) -> None:
    """Save the final model, then mark the run finished."""
    model.save(run_dir / FINAL_MODEL)
    found = _read(run_dir) or {}
    _write(run_dir, {**found, "status": COMPLETE, "train_seconds": round(seconds, 3)})


def read_history(path) -> dict[str, list[float]]:
    """A ``CSVLogger`` file (a run's ``history.csv``) as column -> values per epoch.
    CSVLogger writes NA where an epoch had no value: a column of NA alone (the ``val_``
    columns of a run without validation data) is left out, any other NA is NaN."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = {key: [row[key] for row in rows] for key in (rows[0] if rows else {})}
    return {
        key: [float("nan") if v == "NA" else float(v) for v in values]
        for key, values in columns.items()
        if any(v != "NA" for v in values)
    }


def finished(model: keras.Model, run_dir: Path) -> keras.callbacks.History:
    """The finished run in ``run_dir``: its final weights loaded into ``model``, and a
    ``History`` of its logged epochs."""
    run_dir = Path(run_dir)
    # Weights only: the model is already compiled for this call, its optimizer unbuilt.
    saved = keras.saving.load_model(run_dir / FINAL_MODEL, compile=False)
    model.set_weights(saved.get_weights())
    history = keras.callbacks.History()
    history.set_model(model)
    history.history = read_history(run_dir / "history.csv")
    history.epoch = [int(epoch) for epoch in history.history.pop("epoch", [])]
    history.run_dir = run_dir
    history.train_seconds = float((_read(run_dir) or {}).get("train_seconds", 0.0))
    print(
        f"The run in {run_dir} is complete ({len(history.epoch)} epochs): loaded its final model. "
        "Pass overwrite=True (--overwrite) to train again."
    )
    return history


def clear(run_dir: Path) -> None:
    """Remove what ``zoo.fit`` wrote into ``run_dir`` (and nothing else)."""
    for name in ARTIFACTS:
        path = Path(run_dir) / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _status(run_dir: Path, found: dict) -> str:
    if "status" in found:
        return found["status"]
    # A run directory from before statuses were kept: finished unless a backup is left.
    return RUNNING if (run_dir / "backup").exists() else COMPLETE


def _read(run_dir: Path) -> dict | None:
    path = Path(run_dir) / OPTIONS
    return json.loads(path.read_text()) if path.exists() else None


def _write(run_dir: Path, content: dict) -> None:
    path = Path(run_dir) / OPTIONS
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(content, indent=2))
    tmp.replace(path)
