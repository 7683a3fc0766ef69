"""Search jobs: a KerasTuner tuner over a space, in a directory it can resume from.

    rows = tuning.run("smoke", "grid", directory="runs/smoke-grid", dataset="digits")

One directory holds one search: KerasTuner's own files (``oracle.json``,
``trial_*/``), a marker (``search.json``) that refuses a different search, and the
results (``results.csv``, ``results.json``, ``results.png``). Running the same call
again after a kill continues: KerasTuner reloads its state (``overwrite=False``).
Distributed: processes that set KERASTUNER_ORACLE_IP/PORT/TUNER_ID share the
directory; the one whose id contains "chief" serves the oracle (see ``__main__``).
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import time
from concurrent import futures
from pathlib import Path

import grpc
import keras_tuner as kt
from keras_tuner.src.distribute import utils as kt_distribute
from keras_tuner.src.engine.oracle import Display

from tuning import oracles, report, spaces
from tuning.hypermodel import ZooHyperModel
from zoo.errors import did_you_mean, differences

TUNERS = ("grid", "random", "oneatatime")
OBJECTIVE = "val_accuracy"
MARKER = "search.json"
IDLE_SECONDS = 1.0
CHIEF_POLL_SECONDS = 0.2


class ZooTuner(kt.Tuner):
    """KerasTuner's Tuner; each trial's ``zoo.fit`` run directory is inside its trial folder.

    A worker whose oracle has no trial to give yet (the rest are running elsewhere) asks
    again after ``IDLE_SECONDS`` instead of at once: KerasTuner's loop would keep a core
    of the worker and of the chief busy asking.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if is_worker():
            ask = self.oracle.create_trial

            def create_trial(tuner_id):
                trial = ask(tuner_id)
                if trial.status == kt.engine.trial.TrialStatus.IDLE:
                    time.sleep(IDLE_SECONDS)
                return trial

            self.oracle.create_trial = create_trial

    def search(self, *args, **kwargs):
        """As KerasTuner's, but a chief checks every ``CHIEF_POLL_SECONDS`` whether the last
        worker is done, where KerasTuner's ``start_server`` sleeps 20 s between checks, so a
        search ended up to 20 s late."""
        if not kt_distribute.is_chief_oracle():
            return super().search(*args, **kwargs)
        from keras_tuner.src import protos
        from keras_tuner.src.distribute import oracle_chief

        self.oracle.verbose = kwargs.get("verbose", self.oracle.verbose)
        self.save()
        ip, port = os.environ["KERASTUNER_ORACLE_IP"], os.environ["KERASTUNER_ORACLE_PORT"]
        servicer = oracle_chief.OracleServicer(self.oracle)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
        protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
        server.add_insecure_port(f"{ip}:{port}")
        server.start()
        while not (servicer.stop_triggered and oracle_chief.exit_chief(self.oracle)):
            time.sleep(CHIEF_POLL_SECONDS)  # The server serves until the process exits.

    def save(self):
        """As KerasTuner's, through ``oracles.write_json`` (see there)."""
        if not self._is_worker():
            self.oracle.save()
        oracles.write_json(self._get_tuner_fname(), self.get_state())

    def run_trial(self, trial, *args, **kwargs):
        kwargs.setdefault("run_dir", os.path.join(self.get_trial_dir(trial.trial_id), "run"))
        return super().run_trial(trial, *args, **kwargs)


class SearchDisplay(Display):
    """KerasTuner's trial log, then how far the search is (``progress``). It runs where the
    oracle is (the chief when distributed), so it counts every worker's trials."""

    def __init__(self, oracle, verbose=1):
        super().__init__(oracle, verbose)
        # Since this process's first trial began (start-up is not the trials' pace), and
        # the trials that ended since: a resumed search's earlier ones are not in the time.
        self.started = None
        self.ended_here = 0

    def on_trial_begin(self, trial):
        self.started = self.started or time.monotonic()
        super().on_trial_begin(trial)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        self.ended_here += 1
        if self.verbose >= 1:
            done, total = len(self.oracle.end_order), planned_trials(self.oracle)
            elapsed = time.monotonic() - (self.started or time.monotonic())
            print(progress(done, total, elapsed, self.ended_here))


def planned_trials(oracle) -> int | None:
    """How many trials the search runs: its settings (grid, one at a time) up to
    ``max_trials``, or ``max_trials``; None when unknown."""
    if isinstance(oracle, (oracles.ResumableGridSearchOracle, oracles.OneAtATimeOracle)):
        size = len(oracle.settings())
        return size if oracle.max_trials is None else min(size, oracle.max_trials)
    return oracle.max_trials


def progress(done: int, total: int | None, elapsed: float, ended_here: int) -> str:
    """A line such as "trial 3 of 12 (elapsed 0:01:10, about 0:03:30 left)": the time left
    at the pace of the ``ended_here`` trials that ended in this process's ``elapsed``."""

    def clock(seconds):
        return str(datetime.timedelta(seconds=round(seconds)))

    if total is None:
        return f"trial {done} (elapsed {clock(elapsed)})"
    left = ""
    if ended_here > 0 and done < total:
        left = f", about {clock(elapsed / ended_here * (total - done))} left"
    return f"trial {done} of {total} (elapsed {clock(elapsed)}{left})"


def make_tuner(
    space,
    tuner: str = "grid",
    *,
    directory,
    dataset: str | None = None,
    max_trials: int | None = None,
    epochs: int | None = None,
    steps: int | None = None,
    data_dir=None,
    seed: int = 0,
    **fit_options,
) -> ZooTuner:
    """A tuner for ``space`` writing to ``directory`` (reloaded when it holds this search).

    tuner: "grid" (every setting), "random" (``max_trials`` settings, default 10) or
        "oneatatime" (baseline, then each hyperparameter's other values alone).
    max_trials: stop after this many trials (grid and one-at-a-time: all by default).
    epochs, steps, fit_options: see ``ZooHyperModel``.
    """
    space = spaces.get(space)
    check_tuner(tuner)
    if max_trials is not None and (
        not isinstance(max_trials, int) or isinstance(max_trials, bool) or max_trials < 1
    ):
        raise ValueError(f"max_trials must be an integer >= 1. Received: max_trials={max_trials!r}")
    hypermodel = ZooHyperModel(
        space,
        dataset=dataset,
        data_dir=data_dir,
        epochs=epochs,
        steps=steps,
        seed=seed,
        **fit_options,
    )
    directory = Path(directory)
    marker = dict(
        space=space.name,
        tuner=tuner,
        space_hash=space.fingerprint(),
        dataset=hypermodel.dataset,
        epochs=epochs,
        steps=steps,
        seed=seed,
    )
    claim_directory(directory, marker)
    hp = kt.HyperParameters()
    hypermodel.declare(hp)
    objective = kt.Objective(OBJECTIVE, "max")
    common = dict(objective=objective, hyperparameters=hp, seed=seed)
    if tuner == "grid":
        oracle = oracles.ResumableGridSearchOracle(max_trials=max_trials, **common)
    elif tuner == "random":
        oracle = oracles.RandomSearchOracle(max_trials=max_trials or 10, **common)
    else:
        oracle = oracles.OneAtATimeOracle(max_trials=max_trials, **common)
    oracle._display = SearchDisplay(oracle)  # KerasTuner's has no total, nor time left
    return ZooTuner(
        oracle=oracle,
        hypermodel=hypermodel,
        directory=str(directory.parent),
        project_name=directory.name,
        overwrite=False,
    )


def run(space, tuner: str = "grid", *, directory, verbose=1, chief_timeout=10.0, **options):
    """Run (or continue) a search; returns the ranked trials (see ``report.collect``).

    A worker process first checks that its chief answers within ``chief_timeout``
    seconds, rather than wait for it as long as KerasTuner does (an hour).
    """
    if is_worker():
        wait_for_chief(chief_timeout)
    search = make_tuner(space, tuner, directory=directory, **options)
    search.search(verbose=verbose)
    if is_worker():
        return []
    space = spaces.get(space)
    rows = report.collect(directory)
    best_test = evaluate_best(search, rows, directory, verbose=verbose)
    report.write(rows, directory, space=space, tuner=tuner, best_test=best_test)
    return rows


def evaluate_best(search: ZooTuner, rows: list[dict], directory, verbose="auto") -> dict | None:
    """The best trial's checkpoint scored on the test split, as the references report it."""
    import keras

    import zoo

    best = next((r for r in rows if r.get("rank") == 1), None)
    path = Path(directory) / f"trial_{best['trial']}" / "run" / "best.keras" if best else None
    if path is None or not path.exists():
        return None
    hypermodel = search.hypermodel
    data = hypermodel.recipe(search.oracle.get_trial(best["trial"]).hyperparameters).data
    keep = ("batch_size", "image_size", "normalize", "mean", "std", "classes")
    test = zoo.data.load(
        hypermodel.dataset,
        "test",
        data_dir=hypermodel.data_dir,
        **{k: v for k, v in data.items() if k in keep},
        verbose=verbose,
    )
    if hypermodel.steps:
        test = test.take(hypermodel.steps)
    result = zoo.evaluate(keras.models.load_model(path), test, verbose=verbose)
    return {"trial": best["trial"], "test_accuracy": result.accuracy, "test_f1": result.f1}


def check_tuner(tuner) -> str:
    if tuner not in TUNERS:
        raise ValueError(
            f"Unknown tuner.{did_you_mean(tuner, TUNERS)} Known: {', '.join(TUNERS)}. "
            f"Received: {tuner!r}"
        )
    return tuner


def claim_directory(directory: Path, marker: dict) -> None:
    """Make ``directory`` this search's, or refuse one that is not writable or another's."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise PermissionError(
            f"The results directory cannot be written ({error.strerror}). Choose another "
            f"one (--dir). Received: directory='{directory}'"
        ) from None
    path = directory / MARKER
    if path.exists():
        found = json.loads(path.read_text())
        detail = differences(found, marker)
        if detail:
            raise ValueError(
                f"The results directory '{directory}' holds a different search ({detail}); "
                f"results are never mixed. Use another --dir, or the same options to resume. "
                f"Received: {marker}"
            )
    elif (directory / "oracle.json").exists():
        raise ValueError(
            f"The results directory '{directory}' holds a KerasTuner search that is not "
            f"marked as this one ({MARKER} is missing). Use another --dir. Received: {marker}"
        )
    else:
        oracles.write_json(path, marker)


def is_worker() -> bool:
    tuner_id = os.environ.get("KERASTUNER_TUNER_ID", "")
    return "KERASTUNER_ORACLE_IP" in os.environ and "chief" not in tuner_id


def wait_for_chief(timeout: float = 10.0) -> None:
    """Return once the chief's port accepts a connection; raise after ``timeout`` seconds."""
    ip = os.environ.get("KERASTUNER_ORACLE_IP")
    port = os.environ.get("KERASTUNER_ORACLE_PORT")
    if not port or not port.isdigit():
        raise ValueError(
            f"A tuning worker needs KERASTUNER_ORACLE_PORT, the chief's port. Received: {port!r}"
        )
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((ip, int(port)), timeout=1.0):
                return
        except OSError:
            if time.monotonic() >= deadline:
                raise ConnectionError(
                    f"No tuning chief answers at {ip}:{port} (waited {timeout:g} s). Start "
                    "the chief first (KERASTUNER_TUNER_ID=chief), or let `python -m tuning "
                    f"run ... --workers N` start both. Received: KERASTUNER_ORACLE_IP={ip}, "
                    f"KERASTUNER_ORACLE_PORT={port}"
                ) from None
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
