"""The benchmark suite: training and input-pipeline speed of a few zoo models on one backend.

For each model: training images/s on in-memory batches
(``benchmarks.throughput.images_per_second``), interleaved with the same
network written in plain Keras where the suite has one (the zoo/plain ratio); the
GFLOP/s that rate means, from the model's counted FLOPs (``benchmarks.flops``), and
its fraction of the fp32 matmul GFLOP/s measured at the start of the same run; the
images/s of the model's input pipeline (``zoo.data.load``) iterated on its own, with
nothing training; and the process's peak resident memory so far (it only grows, so
run one model alone, ``--models NAME``, for that model's own peak).

One process holds one backend: each run writes ``suite-<backend>.json``, and
``--interleave-backends`` alternates short TensorFlow and JAX processes on two CNNs
for their JAX/TF ratios. Run: `KERAS_BACKEND=jax python -m benchmarks.suite`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np

import zoo
from benchmarks import publish, throughput
from benchmarks.flops import matmul_gflops, training_flops
from benchmarks.pipeline import epoch_rate
from benchmarks.throughput import interleaved, plain_keras_cnn
from zoo.data import sources

GOALS = {"zoo_over_plain": 0.97, "fraction_of_matmul": 0.30, "pipeline_over_model": 10.0}
STRETCH_FRACTION_OF_MATMUL = 0.40
JAX_OVER_TF_GOAL = 0.9


def plain_mlp():
    """zoo.build("idl_fmnist_mlp") written by hand."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def plain_fmnist_cnn():
    """zoo.build("idl_fmnist_cnn") written by hand."""
    conv = dict(padding="same", activation="relu")
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 7, **conv),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, **conv),
            keras.layers.Conv2D(64, 3, **conv),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(128, 3, **conv),
            keras.layers.Conv2D(128, 3, **conv),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def plain_cae():
    """zoo.build("cae") written by hand, one flat model instead of encoder + decoder."""
    conv = dict(strides=2, padding="same")
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu", **conv),
            keras.layers.Conv2D(64, 3, activation="relu", **conv),
            keras.layers.Conv2DTranspose(32, 3, activation="relu", **conv),
            keras.layers.Conv2DTranspose(1, 3, activation="sigmoid", **conv),
        ]
    )


# zoo model -> (the dataset its input pipeline is measured on, its plain-Keras twin or None)
MODELS = {
    "idl_fmnist_mlp": ("fashion_mnist", plain_mlp),
    "cnn": ("fashion_mnist", plain_keras_cnn),
    "idl_fmnist_cnn": ("fashion_mnist", plain_fmnist_cnn),
    "resnet20": ("cifar100", None),
    "clock_sincos": ("clocks", None),
    "cae": ("fashion_mnist", plain_cae),
}


def training_data(model, n: int, seed: int = 0):
    """``(x, y, loss)``: random images, and labels of the kind the model's loss takes."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, *model.input_shape[1:])).astype("float32")
    output = model.layers[-1]
    if hasattr(output, "default_loss"):  # the clock nets: the label is a time in minutes
        return x, rng.uniform(0, 720, size=n).astype("float32"), output.default_loss()
    if tuple(model.output_shape[1:]) == x.shape[1:]:  # an auto-encoder
        return x, x, "mse"
    y = rng.integers(0, model.output_shape[-1], size=n).astype("int32")
    return x, y, "sparse_categorical_crossentropy"


def training_rates(
    models: dict, images: int, batch_size: int, rounds: int, repeats: int, steps_per_execution=1
):
    """Training images/s of each model (all the same network), interleaved round by round."""
    x, y, loss = training_data(next(iter(models.values())), images)
    for model in models.values():
        model.compile(optimizer="adam", loss=loss, steps_per_execution=steps_per_execution)
    return throughput.training_rates(models, x, y, batch_size, rounds, repeats)


def pipeline_rate(dataset, image_shape, batch_size, repeats, split="train", data_dir=None):
    """``(what was measured, images/s)`` of ``zoo.data.load`` batches with nothing training.

    One warm-up pass first; then the median of ``repeats`` passes.
    A set not prepared here is stood in for by ``digits`` resized to the model's input.
    """
    label, size = dataset, None
    if dataset not in sources.GENERATED and not sources.is_prepared(dataset, data_dir):
        dataset, size = "digits", tuple(image_shape[:2])
        label = f"digits {size[0]}x{size[1]} (for {label})"
        split = "train"  # digits is small
    ds = zoo.data.load(dataset, split, batch_size=batch_size, image_size=size, data_dir=data_dir)
    epoch_rate(ds)  # warm-up
    return label, statistics.median(epoch_rate(ds) for _ in range(repeats))


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB here


def run(
    models=tuple(MODELS),
    *,
    images=2048,
    rounds=5,
    repeats=1,
    steps_per_execution=1,
    smoke=False,
    data_dir=None,
):
    """One row per model (see the module docstring); ``smoke``: tiny sizes, one round.

    ``steps_per_execution`` goes to every model's ``compile``, the zoo's and the plain twin's.
    """
    pipeline_repeats, split, matmul_size = 3, "train", 2048
    if smoke:
        images, rounds, repeats, pipeline_repeats = 64, 1, 1, 1
        split, matmul_size = "train[:512]", 512
    matmul = matmul_gflops(matmul_size)
    rows = []
    for name in models:
        dataset, twin = MODELS[name]
        zoo_model = zoo.build(name)
        contenders = {"zoo": zoo_model}
        if twin is not None:
            contenders["plain"] = twin()
            if contenders["plain"].count_params() != zoo_model.count_params():
                raise AssertionError(f"The plain-Keras twin of '{name}' is not the same network.")
        batch_size = min(zoo.get_preset(name).batch_size, images)
        rates = training_rates(contenders, images, batch_size, rounds, repeats, steps_per_execution)
        zoo_rate = statistics.median(rates["zoo"])
        plain_rate = statistics.median(rates["plain"]) if twin else None
        flops = training_flops(zoo_model)
        gflops = flops * zoo_rate / 1e9
        what, pipeline = pipeline_rate(
            dataset, zoo_model.input_shape[1:], batch_size, pipeline_repeats, split, data_dir
        )
        rows.append(
            {
                "model": name,
                "input_shape": list(zoo_model.input_shape[1:]),
                "batch_size": batch_size,
                "params": zoo_model.count_params(),
                "train_gflop_per_image": flops / 1e9,
                "zoo_images_per_s": zoo_rate,
                "plain_images_per_s": plain_rate,
                "zoo_over_plain": zoo_rate / plain_rate if twin else None,
                "gflops": gflops,
                "fraction_of_matmul": gflops / matmul,
                "pipeline_dataset": what,
                "pipeline_images_per_s": pipeline,
                "pipeline_over_model": pipeline / zoo_rate,
                "peak_rss_mib": peak_rss_mib(),
                "rounds": rates,
            }
        )
        keras.backend.clear_session()
    return {
        "benchmark": "suite",
        "backend": keras.backend.backend(),
        "matmul_size": matmul_size,
        "matmul_gflops": matmul,
        "images": images,
        "rounds": rounds,
        "steps_per_execution": steps_per_execution,
        "goals": GOALS,
        "rows": rows,
    }


def table(result: dict) -> str:
    """The rows as a Markdown table, then the matmul rate and the goals they miss."""

    def number(value, digits=0):
        return "-" if value is None else f"{value:,.{digits}f}"

    lines = [
        "| model | zoo img/s | plain img/s | zoo/plain | GFLOP/img | GFLOP/s | of matmul "
        "| pipeline img/s | pipeline/model | peak RSS MiB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in result["rows"]:
        cells = [
            r["model"],
            number(r["zoo_images_per_s"]),
            number(r["plain_images_per_s"]),
            number(r["zoo_over_plain"], 3),
            number(r["train_gflop_per_image"], 4),
            number(r["gflops"], 1),
            number(r["fraction_of_matmul"], 3),
            number(r["pipeline_images_per_s"]),
            number(r["pipeline_over_model"], 1),
            number(r["peak_rss_mib"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(
        f"\n{result['backend']}: fp32 matmul {result['matmul_size']}x{result['matmul_size']} "
        f"{result['matmul_gflops']:,.1f} GFLOP/s, measured in this run."
    )
    for key, goal in GOALS.items():
        missed = [
            f"{r['model']} ({r[key]:.3g})"
            for r in result["rows"]
            if r[key] is not None and r[key] < goal
        ]
        verdict = "met" if not missed else "missed by " + ", ".join(missed)
        lines.append(f"goal {key} >= {goal}: {verdict}")
    stretch = [
        r["model"] for r in result["rows"] if r["fraction_of_matmul"] >= STRETCH_FRACTION_OF_MATMUL
    ]
    lines.append(
        f"stretch fraction_of_matmul >= {STRETCH_FRACTION_OF_MATMUL}: "
        + (", ".join(stretch) if stretch else "none")
    )
    return "\n".join(lines)


def backend_ratios(directory) -> str | None:
    """JAX/TF zoo images/s per model from the two backends' suite files, when both exist.

    The two runs were not interleaved; ``--interleave-backends`` gives the fair ratio.
    """
    paths = [Path(directory) / f"suite-{b}.json" for b in ("tensorflow", "jax")]
    if not all(p.exists() for p in paths):
        return None
    tf_rows, jax_rows = ({r["model"]: r for r in json.loads(p.read_text())["rows"]} for p in paths)
    lines = ["| model | TF img/s | JAX img/s | JAX/TF |", "|---|--:|--:|--:|"]
    for name in [n for n in tf_rows if n in jax_rows]:
        t, j = tf_rows[name]["zoo_images_per_s"], jax_rows[name]["zoo_images_per_s"]
        lines.append(f"| {name} | {t:,.0f} | {j:,.0f} | {j / t:.3f} |")
    return "\n".join(lines)


#: The issue's 2-conv CNN and IDL A2's 5-conv one: the JAX/TF ratio of the conv nets.
INTERLEAVED_MODELS = ("cnn", "idl_fmnist_cnn")


def interleave_backends(models=INTERLEAVED_MODELS, rounds=3, images=4096, repeats=2) -> dict:
    """JAX/TF training images/s of each model, from short processes alternating the backends.

    Each round's ratio compares neighbouring runs; the median of those is the result.
    """

    def rate(backend, model):
        command = [
            sys.executable,
            "-m",
            "benchmarks.suite",
            "--child-rate",
            model,
            "--images",
            str(images),
            "--repeats",
            str(repeats),
        ]
        env = {**os.environ, "KERAS_BACKEND": backend}
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])["images_per_s"]

    rows = []
    for model in models:
        rates = interleaved(
            {b: lambda b=b, m=model: rate(b, m) for b in ("tensorflow", "jax")}, rounds
        )
        ratios = [j / t for t, j in zip(rates["tensorflow"], rates["jax"])]
        rows.append({"model": model, "jax_over_tf": statistics.median(ratios), "rounds": rates})
    return {
        "benchmark": "jax_over_tf_interleaved",
        "images": images,
        "repeats": repeats,
        "goal": JAX_OVER_TF_GOAL,
        "rows": rows,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models",
        nargs="+",
        choices=list(MODELS),
        help=f"default: all; with --interleave-backends, {' and '.join(INTERLEAVED_MODELS)}",
    )
    parser.add_argument(
        "--images", type=int, default=2048, help="random images, repeated into each timed epoch"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1, help="timed epochs per round")
    parser.add_argument(
        "--steps-per-execution", type=int, default=1, help="batches per compiled call (Keras's)"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and one round")
    parser.add_argument("--json", help="also write the result to this file")
    parser.add_argument(
        "--interleave-backends",
        action="store_true",
        help="JAX/TF ratios from alternating TensorFlow and JAX processes",
    )
    parser.add_argument("--child-rate", help=argparse.SUPPRESS)  # one process of the above
    args = parser.parse_args(argv)
    if args.child_rate:
        batch_size = min(zoo.get_preset(args.child_rate).batch_size, args.images)
        model = zoo.build(args.child_rate)
        rates = training_rates({"zoo": model}, args.images, batch_size, 1, args.repeats)
        print(json.dumps({"images_per_s": rates["zoo"][0]}))
        return None
    if args.interleave_backends:
        models = args.models or INTERLEAVED_MODELS
        images, rounds = (64, 1) if args.smoke else (args.images, args.rounds)
        result = interleave_backends(models, rounds, images, args.repeats)
        lines = [
            f"{row['model']}, TensorFlow and JAX processes interleaved: JAX/TF "
            f"{row['jax_over_tf']:.3f} (goal >= {JAX_OVER_TF_GOAL}: "
            f"{'met' if row['jax_over_tf'] >= JAX_OVER_TF_GOAL else 'missed'})"
            for row in result["rows"]
        ]
        return publish(result, "\n".join(lines), args.json)
    result = run(
        args.models or list(MODELS),
        images=args.images,
        rounds=args.rounds,
        repeats=args.repeats,
        steps_per_execution=args.steps_per_execution,
        smoke=args.smoke,
    )
    return publish(result, table(result), args.json)


if __name__ == "__main__":
    main()
