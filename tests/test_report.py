"""Hand-in reports and report-ready figures: every figure takes a stamp (CMU HW1: "All plots
should have their identifier (AndrewID-Date)"), a file format and a dpi; the example
scripts' ``report`` subcommand gathers a run directory's tables and figures into
report.md and report.pdf; a ``Report`` shows itself as a table in a notebook."""

import csv
import json
import re

import keras
import numpy as np
import pytest
from PIL import Image

import zoo
from zoo import plots
from zoo.cli import assignment
from zoo.evaluation import evaluate
from zoo.evaluation.clock import ClockReport

STAMP = "abc-2026-12-02"
ROWS = [
    {"experiment": "default", "metric": "accuracy", "reference": 0.6932, "zoo": 0.7012},
    {"experiment": "wide", "metric": "accuracy", "reference": 0.7146, "zoo": 0.65},
]


def pdf_pages(path) -> int:
    """The pages of a PDF that matplotlib wrote (each is a ``/Type /Page`` object)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def classifier(num_classes=3, hidden=4):
    inputs = keras.Input((6, 6, 3))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(hidden, name="hidden")(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))


@pytest.fixture(scope="module")
def tiny():
    """Made inputs for every figure function, small enough to draw in well under a second."""
    rng = np.random.default_rng(0)
    x = rng.random((24, 6, 6, 3)).astype("float32")
    y = np.arange(24) % 3
    model = classifier()
    clock_model = zoo.build("clock_sincos", input_shape=(16, 16, 1), filters=(4,), dense_units=())
    clocks = (rng.random((4, 16, 16, 1)).astype("float32"), np.array([0.0, 90.0, 200.0, 700.0]))
    true, read = np.array([10.0, 100.0, 300.0]), np.array([12.0, 160.0, 299.0])
    errors = zoo.metrics.common_sense_error(true, read)
    return {
        "plot_history": lambda: ({"loss": [3.0, 2.0, 1.0], "val_loss": [3.0, 2.5, 2.0]},),
        "plot_histories": lambda: ({"a": {"loss": [2.0, 1.0]}, "b": {"loss": [3.0, 1.0]}},),
        "plot_results": lambda: (ROWS,),
        "plot_confusion_matrix": lambda: (evaluate(model, (x, y)),),
        "plot_per_class_accuracy": lambda: (evaluate(model, (x, y)),),
        "plot_images": lambda: (x[:4], y[:4]),
        "plot_predictions": lambda: (model, (x, y)),
        "plot_tsne": lambda: (model, (x, y), "hidden"),
        "plot_clock_predictions": lambda: (clock_model, clocks),
        "plot_clock_errors": lambda: (ClockReport("sincos", true, read, errors),),
        "plot_image_grid": lambda: (rng.random((2, 3, 8, 8, 1)),),
        "plot_reconstructions": lambda: (x[:3], x[:3] * 0.5),
    }


# plot_architecture is Graphviz's drawing (keras.utils.plot_model), not matplotlib's, and
# takes no stamp: tests/test_architecture.py tests it.
FIGURES = sorted(
    name for name in plots.__all__ if name.startswith("plot_") and name != "plot_architecture"
)
MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<svg"}
DPIS = {"png": 50, "pdf": 72, "svg": 90}
# Each function in one format, the formats in turn: every format is saved by four of them
# (all go through save_figure), and the t-SNE, the slowest to draw, is drawn once.
CASES = [(name, plots.FORMATS[i % 3]) for i, name in enumerate(FIGURES)]


def test_every_figure_function_has_a_case_here(tiny):
    assert set(tiny) == set(FIGURES)


@pytest.mark.parametrize("name, file_format", CASES)
def test_every_figure_takes_a_stamp_format_and_dpi(tiny, tmp_path, name, file_format):
    arguments, dpi = tiny[name](), DPIS[file_format]
    fig = getattr(plots, name)(
        *arguments, path=tmp_path / "figure.png", stamp=STAMP, format=file_format, dpi=dpi
    )
    assert [t.get_text() for t in fig.texts].count(STAMP) == 1
    saved = tmp_path / f"figure.{file_format}"
    assert [p.name for p in tmp_path.iterdir()] == [saved.name]  # the format's suffix
    content = saved.read_bytes()
    assert MAGIC[file_format] in content[:400]
    if file_format == "png":
        with Image.open(saved) as image:
            assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.5)
    if file_format == "pdf":  # TrueType (pdf.fonttype 42), not Type 3 fonts
        assert b"/Type3" not in content and b"/FontFile2" in content


def test_a_figure_saves_as_before_without_options(tmp_path, figure):
    fig = plots.plot_results(ROWS, tmp_path / "results.png")
    assert not fig.texts  # no stamp unless asked for
    figure(tmp_path / "results.png")
    with Image.open(tmp_path / "results.png") as image:
        assert image.info["dpi"] == pytest.approx((plots.DPI, plots.DPI), abs=0.5)


def test_figure_defaults_reach_figures_drawn_inside_and_an_argument_wins(tmp_path):
    with plots.figure_defaults(stamp=STAMP, format="svg"):
        stamped = plots.plot_results(ROWS, tmp_path / "a.png")
        own = plots.plot_results(ROWS, tmp_path / "b.png", stamp="other", format="pdf")
    after = plots.plot_results(ROWS, tmp_path / "c.png")
    assert [t.get_text() for t in stamped.texts] == [STAMP]
    assert [t.get_text() for t in own.texts] == ["other"]
    assert not after.texts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.svg", "b.pdf", "c.png"]


def test_saving_a_figure_again_keeps_one_stamp(tmp_path):
    fig = plots.plot_results(ROWS, stamp=STAMP)
    path = plots.save_figure(fig, tmp_path / "again.png", stamp="later")
    assert path == tmp_path / "again.png" and path.is_file()
    assert [t.get_text() for t in fig.texts] == ["later"]


@pytest.mark.parametrize(
    "options, received",
    [
        ({"format": "jpg"}, "format='jpg'"),
        ({"path": "figure.jpg"}, "format='jpg'"),
        ({"dpi": 0}, "dpi=0"),
    ],
)
def test_bad_format_or_dpi_is_an_error(tmp_path, options, received):
    options = {"path": "figure.png", **options}
    options["path"] = tmp_path / options["path"]
    with pytest.raises(ValueError, match=re.escape(f"Received: {received}") + "$"):
        plots.plot_results(ROWS, **options)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("options", [{"format": "jpg"}, {"dpi": -1}, {"stamp": 3}])
def test_bad_figure_defaults_are_an_error(options):
    with pytest.raises(ValueError, match="Received: "):
        with plots.figure_defaults(**options):
            pass


def test_report_shows_itself_as_a_table_in_a_notebook():
    x = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]]
    y = np.array([0, 1, 2, 0, 1, 1])  # the last one wrong
    inputs = keras.Input((3,))
    report = evaluate(keras.Model(inputs, inputs), (x, y), class_names=["cat", "dog", "owl"])
    lines = report._repr_markdown_().splitlines()
    assert "| metric | value |" in lines
    assert "| accuracy | 0.8333 |" in lines
    assert "| average top-1 recall | 0.8889 |" in lines  # (1 + 2/3 + 1) / 3
    assert "| class | precision | recall | f1 | support |" in lines
    assert "| dog | 1 | 0.6667 | 0.8 | 3 |" in lines
    assert "| owl | 0.5 | 1 | 0.6667 | 1 |" in lines


def made_step(name="made", seen=None):
    """A step that trains nothing: it draws one figure (kept in ``seen``) and returns ROWS."""

    def run(ctx):
        if seen is not None:
            seen.append(plots.plot_results(ROWS, ctx.out / "bars.png"))
        return [dict(row) for row in ROWS]

    return assignment.Step(name, run, f"the {name} experiment")


def main(argv, steps=None):
    steps = steps or [made_step()]
    return assignment.main("A made reference.\n\nMore.", steps, argv, default_out="runs/unused")


def test_report_of_a_made_run_dir_has_reference_and_zoo_and_its_pages(tmp_path):
    step = tmp_path / "made"
    (step / "one" / "figures").mkdir(parents=True)
    with open(step / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
    plots.plot_results(ROWS, step / "one" / "figures" / "bars.png")
    assert main(["report", "--out", str(tmp_path), "--stamp", STAMP]) == 0
    text = (tmp_path / "report.md").read_text()
    lines = text.splitlines()
    assert lines[0] == "# A made reference."
    assert STAMP in text
    assert "| experiment | metric | reference | zoo |" in lines
    assert "| default | accuracy | 0.6932 | 0.7012 |" in lines
    assert "![made/one/figures/bars.png](made/one/figures/bars.png)" in lines
    # A script's docstring goes on past its first line: the title is the name before it.
    description = "IDL A2 (a course, assignment 2): its tables,\nits figures.\n\nMore."
    argv = ["report", "--out", str(tmp_path)]
    assert assignment.main(description, [made_step()], argv, default_out="runs/unused") == 0
    assert (tmp_path / "report.md").read_text().splitlines()[
        0
    ] == "# IDL A2 (a course, assignment 2)"
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf_pages(tmp_path / "report.pdf") == 3  # contents, the table, the figure
    assert b"/Type3" not in pdf


def test_steps_record_their_command_and_all_report_gathers_them(tmp_path, capsys):
    seen = []
    steps = [made_step("first", seen), made_step("second")]
    argv = ["all", "--out", str(tmp_path), "--stamp", STAMP, "--dpi", "60", "--report"]
    assert main(argv, steps) == 0
    record = json.loads((tmp_path / "first" / "command.json").read_text())
    assert record["command"].endswith(
        "all --out " + str(tmp_path) + f" --stamp {STAMP} --dpi 60 --report"
    )
    assert record["command"].startswith(f"KERAS_BACKEND={keras.backend.backend()} python ")
    assert [t.get_text() for t in seen[0].texts] == [STAMP]  # --stamp reached the step's figure
    with Image.open(tmp_path / "first" / "bars.png") as image:
        assert image.info["dpi"] == pytest.approx((60, 60), abs=0.5)
    text = (tmp_path / "report.md").read_text()
    assert text.count(record["command"]) == 2  # under each step's heading
    assert text.index("the first experiment") < text.index("the second experiment")
    # contents; per step its table, results.png (and the first's bars.png)
    assert pdf_pages(tmp_path / "report.pdf") == 1 + 3 + 2
    (tmp_path / "report.md").unlink()
    assert main(["report", "--out", str(tmp_path)], steps) == 0  # the runs' stamp by default
    assert f"Stamp: {STAMP}" in (tmp_path / "report.md").read_text()


def test_figure_format_flag_changes_every_figure_the_script_draws(tmp_path):
    argv = ["made", "--out", str(tmp_path), "--figure-format", "svg"]
    assert main(argv, [made_step("made", seen=[])]) == 0
    figures = sorted(p.name for p in (tmp_path / "made").iterdir() if p.suffix != ".json")
    assert figures == ["bars.svg", "results.csv", "results.md", "results.svg"]


def test_report_on_a_run_dir_with_no_results_fails_clearly(tmp_path, capsys):
    (tmp_path / "made").mkdir()
    assert main(["report", "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "No results to report" in error and error.rstrip().endswith(f"Received: {tmp_path}")
    assert not (tmp_path / "report.md").exists()
