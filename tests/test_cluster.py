"""Searches on real clusters: each ``--workers`` process gets its own GPU (from fake device
lists, no GPU needed), and a search says how far it is and how long it has left."""

import subprocess

import keras_tuner as kt
import pytest

from tuning import __main__ as cli
from tuning import oracles, search

BASE = {"PATH": "/usr/bin", "HOME": "/home/me"}


def gpus_of(workers, gpus, base=BASE):
    return [cli.worker_environment(i, gpus, base)["CUDA_VISIBLE_DEVICES"] for i in range(workers)]


def test_two_workers_on_two_gpus_get_one_each():
    assert gpus_of(2, ["0", "1"]) == ["0", "1"]


def test_more_workers_than_gpus_wrap_round():
    assert gpus_of(3, ["0", "1"]) == ["0", "1", "0"]


def test_users_visible_devices_are_the_ones_shared():
    gpus = cli.visible_gpus({"CUDA_VISIBLE_DEVICES": "4,6"})
    assert gpus == ["4", "6"]
    assert gpus_of(2, gpus) == ["4", "6"]


def test_visible_devices_end_at_the_first_invalid_one_as_in_cuda():
    assert cli.visible_gpus({"CUDA_VISIBLE_DEVICES": "2,-1,3"}) == ["2"]
    assert cli.visible_gpus({"CUDA_VISIBLE_DEVICES": ""}) == []


def test_gpus_are_counted_with_nvidia_smi(monkeypatch):
    listing = "GPU 0: NVIDIA A100 (UUID: GPU-a)\nGPU 1: NVIDIA A100 (UUID: GPU-b)\n"
    monkeypatch.setattr(cli.shutil, "which", lambda name: "/usr/bin/nvidia-smi")
    monkeypatch.setattr(
        cli.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, listing, "")
    )
    assert cli.visible_gpus({}) == ["0", "1"]
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    assert cli.visible_gpus({}) == []


def test_memory_grows_unless_the_user_said_otherwise():
    env = cli.worker_environment(0, ["0"], BASE)
    assert env["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"
    assert env["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false"
    mine = {**BASE, "TF_FORCE_GPU_ALLOW_GROWTH": "false", "XLA_PYTHON_CLIENT_PREALLOCATE": "true"}
    env = cli.worker_environment(0, ["0"], mine)
    assert env["TF_FORCE_GPU_ALLOW_GROWTH"] == "false"
    assert env["XLA_PYTHON_CLIENT_PREALLOCATE"] == "true"


def test_the_chief_takes_no_gpu():
    assert cli.worker_environment(None, ["0", "1"], BASE)["CUDA_VISIBLE_DEVICES"] == ""


@pytest.mark.parametrize("index", [None, 0, 3])
def test_without_gpus_the_environment_is_unchanged(index):
    assert cli.worker_environment(index, [], BASE) == BASE


def test_progress_line():
    assert search.progress(3, 12, 70, 3) == "trial 3 of 12 (elapsed 0:01:10, about 0:03:30 left)"
    # Resumed: 5 trials were done before, 1 ended in the 60 s of this process.
    assert search.progress(6, 8, 60, 1) == "trial 6 of 8 (elapsed 0:01:00, about 0:02:00 left)"
    assert search.progress(12, 12, 300, 12) == "trial 12 of 12 (elapsed 0:05:00)"
    assert search.progress(4, None, 5, 4) == "trial 4 (elapsed 0:00:05)"


def hyperparameters():
    hp = kt.HyperParameters()
    hp.Choice("units", [32, 64, 128], default=64)
    hp.Choice("activation", ["relu", "tanh"], default="relu")
    return hp


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda common: oracles.ResumableGridSearchOracle(**common), 6),
        (lambda common: oracles.ResumableGridSearchOracle(max_trials=4, **common), 4),
        (lambda common: oracles.OneAtATimeOracle(**common), 4),  # 1 + 2 + 1
        (lambda common: kt.oracles.RandomSearchOracle(max_trials=7, **common), 7),
    ],
)
def test_planned_trials(make, expected):
    common = {
        "objective": kt.Objective("val_accuracy", "max"),
        "hyperparameters": hyperparameters(),
    }
    assert search.planned_trials(make(common)) == expected
