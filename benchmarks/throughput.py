"""Training images/s of a zoo CNN against the same network written in plain Keras.

Both models train on the same in-memory batches, interleaved (zoo, plain, zoo,
plain, ...) so that the shared machine's noise hits both alike; the ratio of the
medians is the number to read. Run: `KERAS_BACKEND=jax python -m benchmarks.throughput`.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

import zoo
from benchmarks import publish


def plain_keras_cnn(input_shape=(28, 28, 1), num_classes=10):
    """zoo.build("cnn") written by hand, as a user would without the zoo."""
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )


def images_per_second(model, x, y, batch_size, repeats, min_seconds=1.0):
    """Median training throughput over ``repeats`` timed samples, after one warm-up epoch.

    The model trains on in-memory ``tf.data`` batches, the form ``zoo.data.load`` hands
    to ``fit``. A sample is one ``fit`` of one epoch over ``x`` repeated ``k`` times,
    ``k`` doubled until the sample lasts ``min_seconds``: an epoch of the length users
    train on, not 2,048 images, so that the fixed cost of a ``fit`` call and of an
    epoch does not count 30 times over, and a fast model (an MLP runs 2,048 images in
    40 ms) is not timed on noise alone.
    """
    batches = tf.data.Dataset.from_tensor_slices((x, y))

    def timed_fit(k):  # whole batches only: one batch shape, one compiled step
        start = time.perf_counter()
        ds = batches.repeat(k).batch(batch_size, drop_remainder=True)
        model.fit(ds, epochs=1, verbose=0, shuffle=False)  # a dataset has its own order
        return k * len(x) // batch_size * batch_size, time.perf_counter() - start

    timed_fit(1)
    k = 1
    while (sample := timed_fit(k))[1] < min_seconds:
        k *= 2
    rates = [sample[0] / sample[1]]
    rates += [seen / elapsed for seen, elapsed in (timed_fit(k) for _ in range(repeats - 1))]
    return statistics.median(rates)


def interleaved(measures: dict, rounds: int) -> dict[str, list[float]]:
    """``rounds`` results of each zero-argument function in ``measures``, taken in turn
    (a, b, b, a, a, b, ...) so that the shared machine's noise hits all alike."""
    results = {name: [] for name in measures}
    order = list(measures)
    for _ in range(rounds):
        for name in order:
            results[name].append(measures[name]())
        order.reverse()  # no measurement always runs first in a round
    return results


def training_rates(models: dict, x, y, batch_size, rounds, repeats) -> dict[str, list[float]]:
    """Each compiled model's ``images_per_second`` on ``(x, y)``, ``rounds`` times,
    interleaved round by round."""
    return interleaved(
        {
            name: functools.partial(images_per_second, model, x, y, batch_size, repeats)
            for name, model in models.items()
        },
        rounds,
    )


def run(num_images=4096, batch_size=128, rounds=6, repeats=2):
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(num_images, 28, 28, 1)).astype("float32")
    y = rng.integers(0, 10, size=num_images).astype("int32")
    models = {"zoo": zoo.build("cnn"), "plain": plain_keras_cnn()}
    assert models["zoo"].count_params() == models["plain"].count_params()
    for model in models.values():
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rates = training_rates(models, x, y, batch_size, rounds, repeats)
    zoo_rate, plain_rate = (statistics.median(rates[n]) for n in ("zoo", "plain"))
    return {
        "benchmark": "train_throughput_cnn",
        "backend": keras.backend.backend(),
        "model": f"zoo.build('cnn') vs plain Keras Sequential, 28x28x1, batch {batch_size}",
        "zoo_images_per_s": round(zoo_rate, 1),
        "plain_images_per_s": round(plain_rate, 1),
        "ratio_zoo_over_plain": round(zoo_rate / plain_rate, 3),
        "rounds": rates,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=4096)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    result = run(args.images, args.batch_size, args.rounds)
    return publish(
        result,
        f"{result['backend']:>10}: zoo {result['zoo_images_per_s']:8.1f} img/s, "
        f"plain Keras {result['plain_images_per_s']:8.1f} img/s, "
        f"ratio {result['ratio_zoo_over_plain']:.3f}",
        args.json,
    )


if __name__ == "__main__":
    main()
