"""Trials per hour of one search process against a chief with two workers, same space.

Both run `python -m tuning run` on the same small space and dataset from a fresh
directory, alternating (single, distributed, single, distributed, ...) so that
the shared machine's noise hits both alike. Wall time includes process start-up,
as a user would see it. Run: `python -m benchmarks.tuning_throughput`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time

import keras

from benchmarks import publish


def trials_per_hour(space, dataset, epochs, max_trials, workers) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as directory:
        command = [
            sys.executable,
            "-m",
            "tuning",
            "run",
            space,
            "--tuner",
            "grid",
            "--dataset",
            dataset,
            "--epochs",
            str(epochs),
            "--dir",
            directory,
            "--verbose",
            "0",
            "--max-trials",
            str(max_trials),
        ]
        if workers:
            command += ["--workers", str(workers)]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        hours = (time.perf_counter() - start) / 3600
        with open(f"{directory}/results.json") as f:
            trials = len(json.load(f)["trials"])
    return trials / hours, trials


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--space", default="idl_fmnist_mlp_grid")
    parser.add_argument("--max-trials", type=int, default=12)
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    rates = {"one process": [], "chief + 2 workers": []}
    for _ in range(args.rounds):
        for name, workers in (("one process", 0), ("chief + 2 workers", 2)):
            rate, trials = trials_per_hour(
                args.space, args.dataset, args.epochs, args.max_trials, workers
            )
            rates[name].append(rate)
    single, distributed = (statistics.median(v) for v in rates.values())
    result = {
        "benchmark": "tuning_trials_per_hour",
        "backend": keras.backend.backend(),
        "space": args.space,
        "dataset": args.dataset,
        "epochs_per_trial": args.epochs,
        "trials": trials,
        "one_process_trials_per_hour": round(single),
        "chief_two_workers_trials_per_hour": round(distributed),
        "ratio_distributed_over_single": round(distributed / single, 3),
        "rounds": rates,
    }
    return publish(
        result,
        f"{result['backend']:>10}: one process {single:7.0f} trials/h, chief + 2 workers "
        f"{distributed:7.0f} trials/h, ratio {result['ratio_distributed_over_single']:.3f}",
        args.json,
    )


if __name__ == "__main__":
    main()
