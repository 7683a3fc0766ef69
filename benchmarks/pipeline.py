"""Input-pipeline images/s of ``zoo.data.load``'s in-memory path, variant against variant.

Each pass iterates one epoch of the train split with nothing training. The variants,
plain and with augmentation (flip and erasing):
- ``chunks``: the default; batches gathered and finished ``_CHUNK_BYTES`` at a time,
  chunks in parallel;
- ``batch per call``: ``_CHUNK_BYTES`` of one batch, i.e. one tf.data call per batch;
- ``seeded``: ``seed=0``, so chunks are finished one at a time, in order.
They alternate pass by pass in one process (``benchmarks.throughput.interleaved``);
each is given as its median and as a ratio to ``chunks`` of the same kind.
Run: `python -m benchmarks.pipeline`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from unittest import mock

import zoo.data
from benchmarks import publish
from benchmarks.throughput import interleaved
from zoo.data import pipeline, sources

AUGMENT = {"flip": None, "erasing": 0.5}


def epoch_rate(ds) -> float:
    """Images/s of one pass over ``ds``."""
    start, count = time.perf_counter(), 0
    for x, _ in ds:
        count += int(x.shape[0])
    return count / (time.perf_counter() - start)


def datasets(dataset, split, batch_size, data_dir=None) -> dict:
    options = dict(split=split, batch_size=batch_size, data_dir=data_dir)
    out = {}
    for kind, augment in (("plain", None), ("augmented", AUGMENT)):
        out[(kind, "chunks")] = zoo.data.load(dataset, augment=augment, **options)
        with mock.patch.object(pipeline, "_CHUNK_BYTES", 1):  # read when the set is built
            out[(kind, "batch per call")] = zoo.data.load(dataset, augment=augment, **options)
        out[(kind, "seeded")] = zoo.data.load(dataset, augment=augment, seed=0, **options)
    return out


def run(*, batch_size=128, rounds=5, smoke=False, data_dir=None) -> dict:
    dataset, split = "fashion_mnist", "train"
    if smoke or not sources.is_prepared(dataset, data_dir):
        dataset = "digits"  # small, made here without a download
    if smoke:
        rounds = 1
    sets = datasets(dataset, split, batch_size, data_dir)
    for ds in sets.values():  # warm-up: a new pipeline's first pass ran at 0.6-0.8x here
        epoch_rate(ds)
        epoch_rate(ds)
    rates = interleaved({key: lambda ds=ds: epoch_rate(ds) for key, ds in sets.items()}, rounds)
    rows = []
    for (kind, variant), values in rates.items():
        median = statistics.median(values)
        base = statistics.median(rates[(kind, "chunks")])
        rows.append(
            {
                "kind": kind,
                "variant": variant,
                "images_per_s": median,
                "over_chunks": median / base,
                "rounds": values,
            }
        )
    return {"benchmark": "pipeline", "dataset": dataset, "batch_size": batch_size, "rows": rows}


def table(result: dict) -> str:
    lines = [
        f"{result['dataset']} train, batch {result['batch_size']}",
        "| kind | variant | images/s | over chunks |",
        "|---|---|--:|--:|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['kind']} | {row['variant']} | {row['images_per_s']:,.0f} "
            f"| {row['over_chunks']:.3f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="digits and one round")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    result = run(batch_size=args.batch_size, rounds=args.rounds, smoke=args.smoke)
    return publish(result, table(result), args.json)


if __name__ == "__main__":
    main()
