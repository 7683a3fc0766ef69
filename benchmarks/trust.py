"""What ``zoo.fit``'s safeguards cost: precise batch-norm statistics, the per-batch data
checks, and TensorFlow's deterministic ops under a seed.

Each pair is measured side by side: epochs of one compiled model alternate with and
without ``zoo.callbacks.PreciseBatchNorm`` (64 batches) in one process; passes over the
checked and the unchecked pipeline alternate; deterministic ops, a switch for the whole
process, alternate child process by child process. The model is the demo's CNN (two
convolutions with batch norm) on Fashion-MNIST's train split (``digits`` at 28x28 where
that is not prepared here), ``--steps`` batches of 128 an epoch. The ratios (on / off)
are the numbers to read.
Run: `KERAS_BACKEND=tensorflow python -m benchmarks.trust`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import keras

import zoo
from benchmarks import publish
from benchmarks.throughput import interleaved
from zoo.data import checks, sources

BATCH = 128


def data(steps, data_dir=None):
    dataset = "fashion_mnist" if sources.is_prepared("fashion_mnist", data_dir) else "digits"
    train = zoo.data.load(dataset, batch_size=BATCH, image_size=(28, 28), data_dir=data_dir)
    return dataset, train.take(steps)


def demo_cnn():
    return zoo.build(
        "cnn",
        input_shape=(28, 28, 1),
        num_classes=10,
        filters=(32, 64),
        batch_norm=True,
        dense_units=(128,),
        dense_dropout=0.3,
    )


def compiled_cnn():
    model = demo_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def epoch_seconds(model, train, callbacks=()) -> float:
    """Seconds of one more epoch of ``model.fit`` (its train step compiled before)."""
    start = time.perf_counter()
    model.fit(train, epochs=1, callbacks=list(callbacks), shuffle=False, verbose=0)
    return time.perf_counter() - start


def precise_bn_cost(train, rounds) -> dict:
    """One model, its epochs alternating with and without ``PreciseBatchNorm``."""
    model = compiled_cnn()
    precise = zoo.callbacks.PreciseBatchNorm(train, batches=64)
    measures = {
        "off": lambda: epoch_seconds(model, train),
        "on": lambda: epoch_seconds(model, train, [precise]),
    }
    for measure in measures.values():  # warm-up: compiles
        measure()
    seconds = interleaved(measures, rounds)
    off, on = (statistics.median(seconds[s]) for s in ("off", "on"))
    return {"epoch_s_off": off, "epoch_s_on": on, "ratio": on / off}


def check_cost(train, rounds) -> dict:
    checked = checks.check_data(demo_cnn(), train, 10)

    def seconds(ds):
        start = time.perf_counter()
        for _ in ds:
            pass
        return time.perf_counter() - start

    passes = interleaved(
        {"plain": lambda: seconds(train), "checked": lambda: seconds(checked)}, rounds
    )
    plain, on = (statistics.median(passes[k]) for k in ("plain", "checked"))
    return {"pass_s_plain": plain, "pass_s_checked": on, "ratio": on / plain}


def child(deterministic: bool, steps: int, data_dir) -> None:
    """A warm-up epoch, then prints the seconds of a second one, with TensorFlow's
    deterministic ops on (``zoo.set_seed``) or off (``keras.utils.set_random_seed``)."""
    if deterministic:
        zoo.set_seed(0)
    else:
        keras.utils.set_random_seed(0)
    _, train = data(steps, data_dir)
    model = compiled_cnn()
    epoch_seconds(model, train)
    print(epoch_seconds(model, train))


def determinism_cost(steps, rounds, data_dir) -> dict:
    def run_child(deterministic):
        cmd = [sys.executable, "-m", "benchmarks.trust", "--steps", str(steps)]
        cmd += ["--child", str(int(deterministic))]
        if data_dir:
            cmd += ["--data-dir", str(data_dir)]
        result = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return float(result.stdout.strip().splitlines()[-1])

    seconds = interleaved({d: (lambda d=d: run_child(d)) for d in (False, True)}, rounds)
    off, on = (statistics.median(seconds[d]) for d in (False, True))
    return {"epoch_s_off": off, "epoch_s_on": on, "ratio": on / off}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="batches of 128 an epoch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir")
    parser.add_argument("--json", help="write the result here too")
    parser.add_argument("--child", type=int, choices=(0, 1), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        return child(bool(args.child), args.steps, args.data_dir)
    dataset, train = data(args.steps, args.data_dir)
    result = {
        "backend": keras.backend.backend(),
        "dataset": dataset,
        "steps": args.steps,
        "rounds": args.rounds,
        "precise_bn": precise_bn_cost(train, args.rounds),
        "data_checks": check_cost(train, args.rounds),
        "deterministic_ops": determinism_cost(args.steps, args.rounds, args.data_dir),
    }
    lines = [f"{result['backend']}, {dataset}, {args.steps} batches of {BATCH} an epoch:"]
    for key, label in (
        ("precise_bn", "precise BN (64 batches) epoch"),
        ("data_checks", "checked pipeline pass"),
        ("deterministic_ops", "deterministic-ops epoch"),
    ):
        lines.append(f"  {label}: {result[key]['ratio']:.3f}x its plain time")
    return publish(result, "\n".join(lines), args.json)


if __name__ == "__main__":
    main()
