"""The keras-io-style tutorials in examples/: each one runs top to bottom with --quick as
``python examples/NAME.py`` would run it (as ``__main__``, with its own argv, in this
process: the tutorials take turns between the backends' suites) and writes its report and
figures; and each stays a short script, as a tutorial should be.
"""

import csv
import json
import runpy
import sys
from pathlib import Path

import pytest
from conftest import check_figure, taking_turns

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ZIP = b"PK\x03\x04"  # a .keras file

# Tutorial -> the files its quick run must write into --out (besides what it checks below).
TUTORIALS = {
    "train_classifier": ["report.json", "history.png", "confusion_matrix.png", "run/model.keras"],
    "read_clocks": ["report.json", "predictions.png", "errors.png", "run/model.keras"],
    "vae": ["reconstructions.png", "samples.png", "traversal.png", "vae.keras"],
    "latent_diffusion": ["reconstructions.png", "trajectories.png", "samples.png", "ddim.keras"],
    "grid_search": [
        "search_quick/results.csv",
        "search_quick/results.json",
        "search_quick/results.png",
        "search_quick/curves.png",
    ],
}
SECTIONS = ["# Setup", "# Data", "# Model", "# Train", "# Evaluate"]


def run_quick(name, out, data_dir, monkeypatch):
    script = EXAMPLES / f"{name}.py"
    monkeypatch.setenv("TFDS_DATA_DIR", str(data_dir))  # digits there; clocks/tiny made there
    monkeypatch.chdir(out.parent)
    monkeypatch.setattr(sys, "argv", [str(script), "--quick", "--out", str(out)])
    runpy.run_path(str(script), run_name="__main__")


def check_file(path: Path):
    assert path.is_file(), f"{path.name} was not written"
    data = path.read_bytes()
    if path.suffix == ".png":
        check_figure(path)
    elif path.suffix == ".keras":
        assert data.startswith(ZIP), f"{path.name} is not a saved Keras model"


# One tutorial runs in the JAX suite, which compiles its models; the others in the
# TensorFlow suite, op by op (conftest's traced_steps_run_eagerly), in less time.
@pytest.mark.parametrize("name", taking_turns([(name,) for name in TUTORIALS], jax_share=0.2))
def test_quick_run_writes_its_report_and_figures(
    name, tmp_path, data_dir, monkeypatch, traced_steps_run_eagerly
):
    out = tmp_path / "out"
    run_quick(name, out, data_dir, monkeypatch)
    for relative in TUTORIALS[name]:
        check_file(out / relative)

    if name == "train_classifier":
        report = json.loads((out / "report.json").read_text())
        assert report["class_names"] == [str(i) for i in range(10)]  # --quick: digits
        assert 0.0 <= report["accuracy"] <= 1.0 and len(report["y_true"]) == 256
        assert len(report["confusion_matrix"]) == 10
    elif name == "read_clocks":
        report = json.loads((out / "report.json").read_text())
        assert (
            report["framing"] == "sincos_both_hands" and report["examples"] == 64
        )  # clocks/tiny's test
        assert 0.0 <= report["median_error_minutes"] <= 360.0
        assert 0.0 <= report["within_5_minutes"] <= 1.0
    elif name == "grid_search":
        results = json.loads((out / "search_quick" / "results.json").read_text())
        assert results["space"] == "tutorial_mlp" and results["tuner"] == "grid"
        assert [t["status"] for t in results["trials"]] == ["COMPLETED"] * 2  # --quick: 2
        assert 0.0 <= results["best_test"]["test_accuracy"] <= 1.0
        with open(out / "search_quick" / "results.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 2
        assert {"hidden_units", "dropout", "learning_rate", "val_accuracy"} <= set(rows[0])


@pytest.mark.parametrize("name", list(TUTORIALS))
def test_a_tutorial_is_a_short_script_in_sections(name):
    text = (EXAMPLES / f"{name}.py").read_text()
    lines = text.splitlines()
    assert len(lines) < 100, f"{name}.py has {len(lines)} lines; a tutorial stays under 100"
    assert text.startswith('"""') and "--quick" in text.split('"""')[1], "docstring: how to run"
    positions = [lines.index(section) for section in SECTIONS]  # each one, as its own line
    assert positions == sorted(positions), f"sections out of order in {name}.py"
    assert not [line for line in lines if line.startswith(("class ", "def "))], "no framework"
