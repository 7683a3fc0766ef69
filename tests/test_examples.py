"""The example scripts (one per reference): every experiment runs in --quick mode on mock data
and writes its table and figures; bad datasets and options stop it with a clear message.

Scripts are found in ``examples/``: each one that defines ``STEPS`` (``zoo.cli.assignment``)
is tested, every step of it, so a new script or step is covered without editing this file.
"""

import csv
import importlib.util
import socket
from pathlib import Path

import pytest
from conftest import taking_turns

from zoo.cli import assignment

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_script(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPTS = {
    path.stem: load_script(path.stem)
    for path in sorted(EXAMPLES.glob("*.py"))
    if "STEPS = " in path.read_text()
}
# Each script's steps take turns between the backends: each step runs once per `make test`
# and each script on both (the model families, zoo.fit and the figures they share are
# tested on both backends on their own). A third of them go to the JAX suite, whose quick
# runs compile every model, where the TensorFlow suite's run op by op in about half the time.
CASES = taking_turns(
    [(name, step.name) for name, module in SCRIPTS.items() for step in module.STEPS],
    group=lambda case: case[0],
    jax_share=1 / 3,
)


def run(script, argv):
    module = SCRIPTS[script]
    return assignment.main(module.__doc__, module.STEPS, argv, default_out="runs/unused")


def test_every_reference_has_a_script():
    assert {"cosc420", "cv1", "idl_a2", "cmu_hw1", "kth"} <= set(SCRIPTS)


@pytest.mark.parametrize("script, step", CASES)
def test_quick_run_writes_table_and_figures(
    tmp_path, script, step, figure, traced_steps_run_eagerly
):
    assert run(script, [step, "--quick", "--out", str(tmp_path)]) == 0
    out = tmp_path / step
    with open(out / "results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows, "an experiment must report at least one result"
    assert all(row["zoo"] not in ("", "None") for row in rows)
    # Where the reference gives a test loss, the zoo's is measured beside it.
    with_loss = [row for row in rows if row.get("reference_test_loss") not in (None, "")]
    assert all(float(row["test_loss"]) > 0 for row in with_loss)
    assert all(row["dataset"] == "-" or row["dataset"].endswith("(mock)") for row in rows)
    assert (out / "results.md").read_text().count("\n|") == len(rows) + 2  # header, rule, rows
    figures = list(out.rglob("*.png"))
    assert figures, "an experiment must draw its figures"
    for path in figures:
        figure(path, min_pixels=64)


def test_table_writer(tmp_path):
    rows = [
        {"experiment": "a", "reference": 0.9183, "zoo": 0.91234, "epochs": 3},
        {"experiment": "b", "reference": None, "zoo": 0.5, "epochs": 3, "note": "x"},
    ]
    text = assignment.write_table(rows, tmp_path, title="T")
    assert text.splitlines()[:4] == [
        "# T",
        "",
        "| experiment | reference | zoo | epochs | note |",
        "|---|--:|--:|--:|---|",
    ]
    assert "| a | 0.9183 | 0.9123 | 3 | - |" in text
    with open(tmp_path / "results.csv", newline="") as f:
        assert list(csv.DictReader(f))[1] == {
            "experiment": "b",
            "reference": "",
            "zoo": "0.5",
            "epochs": "3",
            "note": "x",
        }


def test_unavailable_dataset_stops_before_training(tmp_path, monkeypatch, capsys):
    def unreachable(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    argv = ["default", "--data-dir", str(tmp_path / "tfds"), "--out", str(tmp_path)]
    assert run("kth", argv) == 2
    message = capsys.readouterr().err
    assert "cifar10" in message and "is not prepared" in message and "data_dir" in message
    assert not (tmp_path / "default").exists()


def test_dataset_with_the_wrong_labels_is_refused(tmp_path, capsys):
    assert run("kth", ["default", "--quick", "--dataset", "clocks", "--out", str(tmp_path)]) == 2
    assert "labels of 'clocks' are times" in capsys.readouterr().err


def test_bad_option_names_itself(tmp_path, capsys):
    assert run("kth", ["default", "--quick", "--batch-size", "0", "--out", str(tmp_path)]) == 2
    assert "batch_size" in capsys.readouterr().err
