"""Architecture diagrams (``zoo.plots.plot_architecture``): ``keras.utils.plot_model`` with
the figure options, a message that says what to install without pydot or Graphviz, and
the text summary that always works."""

import os
import shutil
from pathlib import Path

import keras
import pytest
from conftest import runs_on
from keras.src.utils import model_visualization

import zoo
from zoo.figures.architecture import INSTALL


def tiny_model():
    inputs = keras.Input((8, 8, 1), name="images")
    inner = keras.Sequential([keras.layers.Dense(4, name="inner_dense")], name="block")
    x = keras.layers.Conv2D(2, 3, name="conv1")(inputs)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(3, name="head")(inner(x))
    return keras.Model(inputs, outputs, name="tiny")


@pytest.fixture
def without_pydot(monkeypatch):
    """Keras as it is on a machine without pydot, whether or not this one has it."""
    monkeypatch.setattr(model_visualization, "pydot", None)


@pytest.fixture
def fake_plot_model(monkeypatch):
    """``keras.utils.plot_model`` that writes a file and records its arguments."""
    calls = []

    def plot_model(model, to_file, **options):
        calls.append({"model": model, "to_file": to_file, **options})
        Path(to_file).write_bytes(b"diagram")

    monkeypatch.setattr(keras.utils, "plot_model", plot_model)
    return calls


def test_without_pydot_the_message_says_what_to_install(tmp_path, without_pydot):
    with pytest.raises(ImportError) as caught:
        zoo.plots.plot_architecture(tiny_model(), tmp_path / "tiny.png")
    message = str(caught.value)
    assert "pip install pydot" in message and "apt-get install graphviz" in message
    assert "'tiny'" in message and "write_summary" in message and "Received: " in message
    assert not (tmp_path / "tiny.png").exists()


def test_options_reach_plot_model(tmp_path, fake_plot_model):
    model = tiny_model()
    path = zoo.plots.plot_architecture(
        model, tmp_path / "figures" / "tiny", format="svg", dpi=77, show_shapes=False, rankdir="LR"
    )
    assert path == tmp_path / "figures" / "tiny.svg" and path.read_bytes() == b"diagram"
    (call,) = fake_plot_model
    assert call["model"] is model and call["to_file"] == str(path)
    assert call["dpi"] == 77 and call["show_shapes"] is False and call["rankdir"] == "LR"
    assert call["show_layer_names"] is True


def test_figure_defaults_and_preset_names(tmp_path, fake_plot_model):
    with zoo.plots.figure_defaults(format="pdf", dpi=50):
        path = zoo.plots.plot_architecture("lenet5", tmp_path / "lenet5.png")
    assert path == tmp_path / "lenet5.pdf" and path.exists()
    (call,) = fake_plot_model
    assert call["model"].name == "lenet5" and call["dpi"] == 50 and call["show_shapes"] is True


def test_bad_format_is_refused(tmp_path, fake_plot_model):
    with pytest.raises(ValueError, match="Received: format='jpg'"):
        zoo.plots.plot_architecture(tiny_model(), tmp_path / "tiny", format="jpg")
    assert not fake_plot_model


def test_text_summary_names_every_layer(tmp_path):
    model = tiny_model()
    path = zoo.plots.write_summary(model, tmp_path / "tiny.png")
    assert path == tmp_path / "tiny.txt"
    text = path.read_text()
    names = [layer.name for layer in model.layers] + ["inner_dense"]  # nested layers too
    assert all(name in text for name in names), text


def test_scripts_fall_back_to_text(tmp_path, without_pydot, capsys):
    path = zoo.plots.draw_architecture(tiny_model(), tmp_path / "tiny.png")
    assert path == tmp_path / "tiny.txt" and "conv1" in path.read_text()
    line = capsys.readouterr().out
    assert "pip install pydot" in line and str(path) in line


@pytest.fixture
def graphviz():
    """Skips where pydot or Graphviz's ``dot`` is missing; CI installs both and sets
    ZOO_REQUIRE_GRAPHVIZ, so there a missing one fails instead."""
    missing = [
        name
        for name, found in (("pydot", model_visualization.pydot), ("dot", shutil.which("dot")))
        if not found
    ]
    if missing:
        reason = f"{' and '.join(missing)} not installed ({INSTALL})"
        if os.environ.get("ZOO_REQUIRE_GRAPHVIZ"):
            pytest.fail(reason + " but ZOO_REQUIRE_GRAPHVIZ is set.")
        pytest.skip(reason)


@runs_on("tensorflow")  # Graphviz draws the same graph from either backend's model
def test_graphviz_draws_a_preset_in_every_format(tmp_path, graphviz, figure):
    png = zoo.plots.plot_architecture("lenet5", tmp_path / "lenet5.png")
    figure(png, min_pixels=200)
    svg = zoo.plots.plot_architecture("lenet5", tmp_path / "lenet5", format="svg").read_text()
    layers = [layer.name for layer in zoo.build("lenet5").layers]
    assert all(f">{name}" in svg for name in layers), svg[:500]
    assert "(None, 28, 28, 6)" in svg  # the shapes show by default
    pdf = zoo.plots.plot_architecture("lenet5", tmp_path / "lenet5", format="pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/FontFile" in pdf  # fonts embedded


@runs_on("tensorflow")
def test_scripts_draw_nested_models_with_graphviz(tmp_path, graphviz):
    path = zoo.plots.draw_architecture("clock_multihead", tmp_path / "clock.svg")
    svg = path.read_text()
    assert path.suffix == ".svg" and "backbone" in svg and ">conv1" in svg and ">hour" in svg
