"""The results of a search: a ranked table, CSV and JSON files, and a bar chart.

Read from KerasTuner's own ``trial_*/trial.json`` files, so the same code reports a
finished, an interrupted or a distributed search.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from keras_tuner.engine.trial import Trial

from tuning import spaces


def collect(directory) -> list[dict]:
    """One row per trial, ranked: completed trials by score (best first), then the rest.

    A row holds ``trial``, ``status``, ``score``, ``best_epoch``, the hyperparameter
    values, and every metric at the best epoch.
    """
    rows = []
    for path in sorted(Path(directory).glob("trial_*/trial.json")):
        trial = Trial.load(str(path))
        row = {"trial": trial.trial_id, "status": trial.status, "score": trial.score}
        row["best_epoch"] = trial.best_step
        row.update(trial.hyperparameters.values)
        for name in sorted(trial.metrics.metrics):
            history = trial.metrics.get_history(name)
            at_best = [o.mean() for o in history if o.step == trial.best_step]
            row[name] = at_best[0] if at_best else trial.metrics.get_last_value(name)
        rows.append(row)
    done = [r for r in rows if r["status"] == "COMPLETED" and _number(r["score"])]
    done.sort(key=lambda r: -r["score"])
    rest = [r for r in rows if r not in done]
    for rank, row in enumerate(done, start=1):
        row["rank"] = rank
    return done + rest


def table(rows: list[dict], hp_names=None, metric: str = "val_accuracy") -> str:
    """A plain-text ranked table: rank, trial, score, then the hyperparameters."""
    if not rows:
        return "No trials."
    hp_names = list(hp_names or [k for k in rows[0] if k not in _FIXED_COLUMNS])
    header = ["rank", "trial", metric, *hp_names, "status"]
    lines = [
        [str(r.get("rank", "-")), str(r["trial"]), _fmt(r.get(metric))]
        + [_fmt(r.get(h)) for h in hp_names]
        + [r["status"]]
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths)) for line in lines]
    return "\n".join(out)


def write(rows: list[dict], directory, *, space: spaces.Space, tuner: str, best_test=None) -> dict:
    """Write results.csv, results.json and results.png into ``directory``; returns the paths."""
    directory = Path(directory)
    columns = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    paths = {k: directory / f"results.{k}" for k in ("csv", "json", "png")}
    with open(paths["csv"], "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    meta = {"space": space.name, "tuner": tuner, "model": space.model, "best_test": best_test}
    meta["trials"] = rows
    paths["json"].write_text(json.dumps(meta, indent=2, default=str))
    figure(rows, paths["png"], space=space, tuner=tuner)
    return paths


def figure(rows, path, *, space: spaces.Space, tuner: str, metric: str = "val_accuracy"):
    """Bars of ``metric`` per setting; for one-at-a-time, one panel per hyperparameter
    with the baseline as a dashed line (CV1, Figures 2-3)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zoo.figures import plots

    done = [r for r in rows if "rank" in r]
    names = list(space.values)
    if tuner == "oneatatime" and done:
        base = {hp: space.baseline_label(hp) for hp in names}
        baseline = next((r for r in done if all(r.get(h) == base[h] for h in names)), None)
        fig, axes = plt.subplots(1, len(names), figsize=(3 * len(names), 3.5), squeeze=False)
        for ax, hp in zip(axes[0], names):
            bars = [r for r in done if all(r.get(h) == base[h] for h in names if h != hp)]
            bars.sort(key=lambda r: list(space.choices(hp)).index(r[hp]))
            colors = ["tab:gray" if r is baseline else "tab:blue" for r in bars]
            ax.bar([str(r[hp]) for r in bars], [r.get(metric, 0) for r in bars], color=colors)
            if baseline is not None:
                ax.axhline(baseline.get(metric, 0), color="k", linestyle="--", label="baseline")
            ax.set_title(hp)
            ax.tick_params(axis="x", rotation=45)
        axes[0][0].set_ylabel(metric)
    else:
        varying = [h for h in names if len({str(r.get(h)) for r in done}) > 1] or names
        labels = [", ".join(str(r.get(h)) for h in varying) for r in done]
        # Horizontal bars, best on top, so that many settings stay readable.
        fig, ax = plt.subplots(figsize=(8, max(3, 0.22 * len(done) + 1.5)))
        ax.barh(range(len(done)), [r.get(metric, 0) for r in done])
        ax.set_yticks(range(len(done)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(metric)
        ax.set_ylabel(" / ".join(varying))
    fig.suptitle(f"{space.name} ({tuner}): {metric} per setting")
    fig.tight_layout()
    plots.save_figure(fig, path)  # with the script's --stamp, --figure-format and --dpi
    plt.close(fig)


_FIXED_COLUMNS = {"trial", "status", "score", "best_epoch", "rank"}


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not math.isnan(x)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.0e}"
    return "-" if value is None else str(value)
