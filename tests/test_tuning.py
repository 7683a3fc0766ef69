"""tuning/: spaces, oracles, resumption, distributed mode and errors, on tiny digits MLPs.

The searches in this process run in the TensorFlow suite with Keras's steps op by op
(conftest's ``traced_steps_run_eagerly``): they test the oracles and the results, which
do not depend on the backend; zoo.fit's compiled steps are tested on both in test_training.
"""

import contextlib
import dataclasses
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import runs_on

import tuning
from tuning import __main__ as command
from tuning import hypermodel, references, search, spaces
from tuning.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
FAST = dict(dataset="digits", epochs=1, steps=2, verbose=0)


def tiny(name="tiny", **values):
    return spaces.Space(
        name=name,
        model="mlp",
        dataset="digits",
        values=values or {"hidden_units": [(8,), (16,)], "optimizer": ["adam", "rmsprop"]},
        fit=("optimizer",),
        data=("batch_size",),
    )


def trial_values(directory):
    rows = tuning.collect(directory)
    assert all(r["status"] == "COMPLETED" for r in rows), rows
    return rows


@pytest.mark.integration
@runs_on("tensorflow")  # see the docstring
def test_one_at_a_time_varies_one_hyperparameter_per_trial(
    tmp_path, data_dir, traced_steps_run_eagerly
):
    space = tiny(hidden_units=[(8,), (16,)], optimizer=["adam", "sgd"])
    space = dataclasses.replace(space, values={**space.values, "batch_size": [32, 64]})
    tuning.run(space, "oneatatime", directory=tmp_path / "o", data_dir=data_dir, **FAST)
    rows = trial_values(tmp_path / "o")
    assert len(rows) == 1 + (2 - 1) + (2 - 1) + (2 - 1) == space.oneatatime_size
    baseline = {"hidden_units": "8", "optimizer": "adam", "batch_size": 32}
    off = [tuple(k for k in baseline if r[k] != baseline[k]) for r in rows]
    assert sorted(len(o) for o in off) == [0, 1, 1, 1]
    settings = {tuple(r[k] for k in baseline) for r in rows}
    assert len(settings) == len(rows)


@pytest.mark.integration
@runs_on("tensorflow")  # see the docstring
def test_random_respects_max_trials(tmp_path, data_dir, traced_steps_run_eagerly):
    rows = tuning.run(
        tiny(), "random", directory=tmp_path / "r", max_trials=2, data_dir=data_dir, **FAST
    )
    assert len(rows) == 2
    assert len({(r["hidden_units"], r["optimizer"]) for r in rows}) == 2


def test_options_split_into_builder_data_and_fit():
    grid = spaces.get("idl_fmnist_mlp_grid")
    labels = {"kernel_initializer": "glorot_normal", "activation": "tanh"}
    labels.update(optimizer="adam_1e-2", regularizer="l1")
    builder, data, fit = hypermodel.split_options(grid, labels)
    assert fit["optimizer"] == "adam" and fit["learning_rate"] == 1e-2
    assert builder["l1"] == references.REGULARIZER_STRENGTH and builder["activation"] == "tanh"
    assert data == {}
    assert grid.size == 81
    layers = spaces.get("idl_fmnist_mlp_layers")
    builder, _, _ = hypermodel.split_options(layers, {"layers": 3, "units": 256})
    assert builder["hidden_units"] == (256, 256) and builder["dropout"] == 0.0
    cv1 = spaces.get("cv1_oneatatime")
    assert cv1.oneatatime_size == 1 + 2 + 5 + 4 + 2 + 5 + 3 + 1
    _, data, fit = hypermodel.split_options(cv1, {"batch_size": 64, "augment": "flip"})
    assert data["batch_size"] == 64 and data["augment"] == "flip"
    for name in spaces.list_spaces():
        tuning.check_space(spaces.get(name))


@pytest.mark.integration
@runs_on("tensorflow")  # processes of their own: see conftest
def test_a_killed_grid_search_resumes_without_rerunning_and_covers_the_grid(tmp_path, data_dir):
    out = tmp_path / "k"
    cmd = [sys.executable, "-m", "tuning", "run", "smoke", "--tuner", "grid", "--quick"]
    cmd += ["--epochs", "1", "--dir", str(out), "--data-dir", str(data_dir), "--verbose", "0"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180  # generous: both backends' suites share the cores
    while not (out / "trial_0001").exists():
        assert proc.poll() is None and time.monotonic() < deadline, "no second trial started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = (out / "trial_0000" / "run" / "history.csv").read_text()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = trial_values(out)
    found = sorted((r["hidden_units"], r["optimizer"]) for r in rows)
    assert found == sorted(itertools.product(["16", "32"], ["adam", "rmsprop"]))  # the grid
    assert (out / "trial_0000" / "run" / "history.csv").read_text() == first  # Not run again.
    assert "4 of 4 trials completed" in result.stdout
    assert {"results.csv", "results.json", "results.png", "search.json"} <= {
        p.name for p in out.iterdir()
    }
    results = json.loads((out / "results.json").read_text())
    assert len(results["trials"]) == 4
    assert results["best_test"]["trial"] == results["trials"][0]["trial"]
    assert 0 <= results["best_test"]["test_accuracy"] <= 1


@pytest.mark.parametrize("tuner", search.TUNERS)
def test_a_save_cut_short_leaves_a_search_that_resumes(tmp_path, monkeypatch, tuner):
    """A kill while the tuner or oracle writes its JSON keeps the file it had."""
    first = search.make_tuner(tiny(), tuner, directory=tmp_path, dataset="digits")
    trial = first.oracle.create_trial("tuner0")  # trial_*/trial.json, oracle.json
    first.save()

    def killed_mid_write(path, text, *args, **kwargs):
        with open(path, "w") as f:
            f.write(text[: len(text) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", killed_mid_write)
    for save in (first.save, lambda: first.oracle.create_trial("tuner1")):
        with pytest.raises(KeyboardInterrupt):
            save()
    monkeypatch.undo()
    again = search.make_tuner(tiny(), tuner, directory=tmp_path, dataset="digits")
    assert list(again.oracle.trials) == [trial.trial_id]
    assert (
        again.oracle.trials[trial.trial_id].hyperparameters.values == trial.hyperparameters.values
    )


def children_by_tuner_id(parent: int) -> dict[str, int]:
    """The KERASTUNER_TUNER_ID of each child process of ``parent``, read from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            environ = (stat.parent / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent:
            for item in environ:
                if item.startswith(b"KERASTUNER_TUNER_ID="):
                    found[item.split(b"=", 1)[1].decode()] = int(stat.parent.name)
    return found


def start_distributed(out, data_dir, epochs):
    cmd = [sys.executable, "-m", "tuning", "run", "smoke", "--quick", "--epochs", str(epochs)]
    cmd += ["--workers", "2", "--dir", str(out), "--data-dir", str(data_dir), "--verbose", "0"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KERASTUNER_")}
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so that a failed test can stop the chief and workers too
    )


def stop_group(proc) -> None:
    """Kill ``proc`` and every process it started (its session's group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def wait_for_trial_of(out, tuner_id, proc, seconds=180):
    """Wait until the oracle has handed ``tuner_id`` a trial; returns the trial id."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            ongoing = json.loads((out / "oracle.json").read_text()).get("ongoing_trials", {})
        except (OSError, ValueError):
            ongoing = {}
        if tuner_id in ongoing:
            return ongoing[tuner_id]
        time.sleep(0.05)
    raise AssertionError(f"{tuner_id} got no trial; the search exited with {proc.poll()}")


@pytest.mark.integration
@runs_on("jax")  # processes of their own: see conftest
def test_distributed_search_outlives_a_killed_worker(tmp_path, data_dir):
    """A chief and two workers finish the grid although one worker is killed mid-trial."""
    out = tmp_path / "d"
    start = time.monotonic()
    proc = start_distributed(out, data_dir, epochs=2)
    try:
        held = wait_for_trial_of(out, "worker0", proc)
        os.kill(children_by_tuner_id(proc.pid)["worker0"], signal.SIGKILL)  # mid-trial
        _, stderr = proc.communicate(timeout=300)
    finally:
        stop_group(proc)
    assert proc.returncode == 0, stderr[-3000:]
    assert "worker0 exited with code -9; starting it again" in stderr
    rows = trial_values(out)  # every trial COMPLETED
    assert len(rows) == 4 and held in {r["trial"] for r in rows}
    assert len({(r["hidden_units"], r["optimizer"]) for r in rows}) == 4  # none run twice
    for row in rows:  # two epochs each, none logged twice
        history = (out / f"trial_{row['trial']}" / "run" / "history.csv").read_text()
        assert [line.split(",")[0] for line in history.strip().splitlines()[1:]] == ["0", "1"]
    assert time.monotonic() - start < 300
    assert len((out / "results.csv").read_text().strip().splitlines()) == 1 + 4  # a row a trial


@pytest.mark.slow  # the launcher's part runs in make test, with stand-ins (below)
@runs_on("tensorflow")  # processes of their own: see conftest
def test_a_dead_chief_stops_the_workers_of_a_real_search(tmp_path, data_dir):
    out = tmp_path / "d"
    proc = start_distributed(out, data_dir, epochs=2)
    try:
        wait_for_trial_of(out, "worker0", proc)
        workers = children_by_tuner_id(proc.pid)
        os.kill(workers["chief"], signal.SIGKILL)
        _, stderr = proc.communicate(timeout=60)
        alive = [w for w in ("worker0", "worker1") if Path(f"/proc/{workers[w]}").exists()]
    finally:
        stop_group(proc)
    assert proc.returncode == 1
    assert "the tuning chief exited with code -9, so the workers were stopped" in stderr
    assert not alive


# A chief that serves the oracle's port and workers that wait (or exit with the code they
# are given): the launcher's watching of its processes, without each one starting a search.
STAND_IN = """
import os, socket, sys, time
if os.environ["KERASTUNER_TUNER_ID"] == "chief":
    server = socket.create_server(("127.0.0.1", int(os.environ["KERASTUNER_ORACLE_PORT"])))
elif len(sys.argv) > 1:
    sys.exit(int(sys.argv[1]))
time.sleep(120)
"""


def launch_stand_ins(monkeypatch, tmp_path, *worker_exit):
    """``python -m tuning run smoke --workers 2`` in a thread, with stand-ins for the chief
    and the workers; returns the thread and a dict that gets its exit code."""
    stand_in = [sys.executable, "-c", STAND_IN, *map(str, worker_exit)]
    monkeypatch.setattr(command, "child_command", lambda argv: stand_in)
    monkeypatch.setattr(command, "POLL_SECONDS", 0.05)
    argv = ["run", "smoke", "--workers", "2", "--dir", str(tmp_path / "s")]
    result = {}
    thread = threading.Thread(target=lambda: result.update(code=main(argv)), daemon=True)
    thread.start()
    return thread, result


def gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


@runs_on("tensorflow")  # processes of their own: see conftest
def test_a_dead_chief_stops_the_workers_with_a_message(tmp_path, monkeypatch, capsys):
    thread, result = launch_stand_ins(monkeypatch, tmp_path)
    deadline = time.monotonic() + 60
    while set(children := children_by_tuner_id(os.getpid())) != {"chief", "worker0", "worker1"}:
        assert thread.is_alive() and time.monotonic() < deadline, children
        time.sleep(0.05)
    os.kill(children["chief"], signal.SIGKILL)
    thread.join(timeout=30)
    assert result["code"] == 1
    message = "the tuning chief exited with code -9, so the workers were stopped"
    assert message in capsys.readouterr().err
    assert gone(children["worker0"]) and gone(children["worker1"])


@runs_on("tensorflow")  # processes of their own: see conftest
def test_a_worker_that_keeps_failing_stops_the_search(tmp_path, monkeypatch, capsys):
    thread, result = launch_stand_ins(monkeypatch, tmp_path, 3)
    thread.join(timeout=60)
    assert result["code"] == 1
    err = capsys.readouterr().err
    limit = command.MAX_RESTARTS
    found = re.search(rf"error: (worker\d) failed {limit + 1} times \(last exit code 3\)", err)
    assert found, err
    for restart in range(1, limit + 1):  # each restart said so, under the same id
        assert (
            f"{found[1]} exited with code 3; starting it again under the same id to finish its "
            f"trial (restart {restart} of {limit})"
        ) in err
    assert "stopping the search. Run the same command to resume it." in err
    assert children_by_tuner_id(os.getpid()) == {}  # the chief was stopped too


# ---- bad input ------------------------------------------------------------------------


def test_unknown_space_and_tuner_suggest_the_closest(tmp_path, capsys):
    with pytest.raises(ValueError, match="Did you mean 'smoke'.*Received: 'smok'"):
        spaces.get("smok")
    with pytest.raises(ValueError, match="Did you mean 'oneatatime'"):
        tuning.make_tuner("smoke", "one_at_a_time", directory=tmp_path / "x")
    assert main(["run", "smoke", "--tuner", "gird", "--dir", str(tmp_path / "y")]) == 2
    assert "Did you mean 'grid'" in capsys.readouterr().err
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert any(
        line.split()[0] == "idl_fmnist_mlp_grid" and " 81 " in line for line in listing.splitlines()
    )


def test_hyperparameter_the_model_does_not_take():
    bad = tiny(hidden_unitz=[(8,), (16,)])
    with pytest.raises(ValueError, match="'hidden_unitz'.*Did you mean 'hidden_units'"):
        tuning.check_space(bad)
    with pytest.raises(ValueError, match="zoo.fit has no such option"):
        tuning.check_space(spaces.Space("f", "mlp", "digits", {"lr": [1, 2]}, fit=("lr",)))


def test_empty_values_and_bad_max_trials(tmp_path):
    with pytest.raises(ValueError, match="non-empty list.*Received: optimizer=\\[\\]"):
        tiny(optimizer=[])
    with pytest.raises(ValueError, match="max_trials must be an integer >= 1"):
        tuning.make_tuner(tiny(), "random", directory=tmp_path / "m", max_trials=0)


def test_results_dir_not_writable_or_another_search(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(PermissionError, match="cannot be written"):
        tuning.make_tuner(tiny(), "grid", directory=blocker / "sub")
    tuning.make_tuner(tiny(), "grid", directory=tmp_path / "s", dataset="digits")
    with pytest.raises(ValueError, match="different search.*tuner: 'grid' there"):
        tuning.make_tuner(tiny(), "oneatatime", directory=tmp_path / "s", dataset="digits")
    other = tiny(hidden_units=[(8,), (32,)], optimizer=["adam"])
    with pytest.raises(ValueError, match="different search.*space_hash"):
        tuning.make_tuner(other, "grid", directory=tmp_path / "s", dataset="digits")


def test_worker_without_chief_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", "127.0.0.1")
    monkeypatch.setenv("KERASTUNER_ORACLE_PORT", str(search.free_port()))
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "worker0")
    start = time.monotonic()
    with pytest.raises(ConnectionError, match="No tuning chief answers at 127.0.0.1"):
        tuning.run(tiny(), "grid", directory=tmp_path / "w", chief_timeout=0.5, **FAST)
    assert time.monotonic() - start < 5
    assert not (tmp_path / "w").exists()
