"""Oracles that walk a fixed list of settings and resume where they stopped.

KerasTuner's GridSearchOracle keeps its place in memory only, so a restarted grid
search stops at once (keras-tuner issue 1055). Both oracles here instead take the
first setting of their list whose values are not yet in ``_tried_so_far``, which
KerasTuner saves with every trial; a trial that was running at a kill is put on the
retry queue by ``Oracle.reload`` and runs again first. ``populate_space`` runs inside
the synchronised ``create_trial``, so the chief serves them to workers safely.

Every oracle here saves its state and its trials through ``write_json``: KerasTuner's
own save truncates the file before writing it, so a search killed in that moment
left an empty ``trial.json`` or ``oracle.json`` and could not resume.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from pathlib import Path

import keras_tuner as kt
from keras_tuner.engine import trial as trial_module


def write_json(path, state) -> None:
    """Write ``state`` to ``path`` whole or not at all: a temporary file, then a rename."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, path)


class _DurableSaves:
    """``Oracle.save`` and ``Oracle._save_trial`` through ``write_json``."""

    def save(self):
        write_json(self._get_oracle_fname(), self.get_state())

    def _save_trial(self, trial):
        write_json(Path(self._get_trial_dir(trial.trial_id)) / "trial.json", trial.get_state())


class _SettingsMixin(_DurableSaves):
    """``populate_space`` over ``settings()``, a list of hp name -> value dicts."""

    def settings(self) -> list[dict]:
        raise NotImplementedError

    def populate_space(self, trial_id):
        for values in self.settings():
            if not self._duplicate(values):
                return {"status": trial_module.TrialStatus.RUNNING, "values": values}
        if self.ongoing_trials:  # Others are still running; one may fail and be retried.
            return {"status": trial_module.TrialStatus.IDLE, "values": None}
        return {"status": trial_module.TrialStatus.STOPPED, "values": None}

    def _ordered_values(self) -> dict[str, list]:
        """Each hyperparameter's values, its default (the baseline) first."""
        ordered = {}
        for hp in self.get_space().space:
            values = list(hp.values)
            values.remove(hp.default)
            ordered[hp.name] = [hp.default, *values]
        return ordered


class ResumableGridSearchOracle(_SettingsMixin, kt.oracles.GridSearchOracle):
    """Every combination of the values (the last hyperparameter varies fastest)."""

    def settings(self):
        ordered = self._ordered_values()
        names = list(ordered)
        return [dict(zip(names, combo)) for combo in itertools.product(*ordered.values())]


class RandomSearchOracle(_DurableSaves, kt.oracles.RandomSearchOracle):
    """KerasTuner's random search, saved as the others are."""


class OneAtATimeOracle(_SettingsMixin, kt.Oracle):
    """The baseline (every default), then each hyperparameter's other values alone.

    Like CV1's Tables 1-2: ``1 + sum(len(values) - 1)`` trials in all.
    """

    def __init__(self, objective=None, max_trials=None, **kwargs):
        super().__init__(objective=objective, max_trials=max_trials, **kwargs)

    def settings(self):
        ordered = self._ordered_values()
        baseline = {name: values[0] for name, values in ordered.items()}
        found = [baseline]
        for name, values in ordered.items():
            found.extend({**baseline, name: value} for value in values[1:])
        return found
