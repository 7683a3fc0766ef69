"""Training images/s on ``zoo.data.load``'s batches against the same images as NumPy arrays.

``zoo.fit``, and so the suite, trains on ``zoo.data.load``'s ``tf.data`` pipeline on
both backends; this measures what that costs against Keras's own adapter for NumPy
arrays (which shuffles each epoch too), over whole epochs of Fashion-MNIST's train split
(``digits`` at 28x28 where that is not prepared here). The two feeds alternate epoch by
epoch in one process (``benchmarks.throughput.interleaved``), after one warm-up epoch
each; the ratio of the medians is the number to read.
Run: `KERAS_BACKEND=jax python -m benchmarks.feeds --models idl_fmnist_mlp cnn`.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time

import keras
import numpy as np

import zoo
import zoo.data
from benchmarks import publish
from benchmarks.throughput import interleaved
from zoo.data import sources

MODELS = ("idl_fmnist_mlp", "cnn", "idl_fmnist_cnn")  # Fashion-MNIST classifiers


def run(models=MODELS[:2], *, rounds=3, smoke=False, data_dir=None) -> dict:
    dataset, split = "fashion_mnist", "train"
    if smoke or not sources.is_prepared(dataset, data_dir):
        dataset = "digits"  # made here without a download
    if smoke:
        split, rounds = "train[:256]", 1
    rows = []
    for name in models:
        model = zoo.build(name)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        batch_size = zoo.get_preset(name).batch_size
        batches = zoo.data.load(
            dataset, split, batch_size=batch_size, image_size=(28, 28), data_dir=data_dir
        )
        x, y = (np.concatenate(column) for column in zip(*batches.as_numpy_iterator()))
        feeds = {
            "zoo.data.load": dict(x=batches, shuffle=False),  # it shuffles itself
            "arrays": dict(x=x, y=y, batch_size=batch_size, shuffle=True),
        }
        measures = {
            feed: functools.partial(_rate, model, data, len(x)) for feed, data in feeds.items()
        }
        for measure in measures.values():  # warm-up: compiles, and fills the caches
            measure()
        rates = interleaved(measures, rounds)
        medians = {feed: statistics.median(values) for feed, values in rates.items()}
        rows.append(
            {
                "model": name,
                "batch_size": batch_size,
                "images": len(x),
                "pipeline_images_per_s": medians["zoo.data.load"],
                "arrays_images_per_s": medians["arrays"],
                "pipeline_over_arrays": medians["zoo.data.load"] / medians["arrays"],
                "rounds": rates,
            }
        )
        keras.backend.clear_session()
    return {
        "benchmark": "feeds",
        "backend": keras.backend.backend(),
        "dataset": dataset,
        "rows": rows,
    }


def _rate(model, data, images) -> float:
    """Images/s of one training epoch of ``model.fit(**data)``."""
    start = time.perf_counter()
    model.fit(**data, epochs=1, verbose=0)
    return images / (time.perf_counter() - start)


def table(result: dict) -> str:
    lines = [
        f"{result['backend']}, {result['dataset']} train, whole epochs",
        "| model | zoo.data.load img/s | arrays img/s | zoo.data.load/arrays |",
        "|---|--:|--:|--:|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['model']} | {row['pipeline_images_per_s']:,.0f} "
            f"| {row['arrays_images_per_s']:,.0f} | {row['pipeline_over_arrays']:.3f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS[:2]))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="256 digits and one round")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    result = run(args.models, rounds=args.rounds, smoke=args.smoke)
    return publish(result, table(result), args.json)


if __name__ == "__main__":
    main()
