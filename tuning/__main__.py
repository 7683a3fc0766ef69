"""``zoo-tune list`` and ``zoo-tune run SPACE --tuner ... --dir ...`` (or ``python -m tuning``).

Distributed (KerasTuner's chief/worker mode on this machine): ``--workers N``
starts a chief that serves the oracle on a free 127.0.0.1 port and N workers that
train, all sharing ``--dir``. With GPUs, each worker gets one of its own (round robin)
and grows its memory instead of taking it all; the chief gets none. On several
machines, run the same command in each process with KERASTUNER_ORACLE_IP,
KERASTUNER_ORACLE_PORT and KERASTUNER_TUNER_ID (``chief`` for one of them, ``worker0``,
``worker1``, ... for the others) set (docs/tuning.md has a SLURM recipe).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

QUICK_STEPS = 5
MAX_RESTARTS = 3  # per worker, for a worker that dies during a search
POLL_SECONDS = 0.5


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        return _list()
    try:
        if args.workers:
            return _distributed(args, sys.argv[1:] if argv is None else list(argv))
        return _run(args)
    except (ValueError, TypeError, PermissionError, ConnectionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zoo-tune", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every search space and its number of grid settings")
    run = commands.add_parser(
        "run",
        help="run or resume a search",
        description="Run a search, or resume it: the same command after a kill continues "
        "where it stopped. Writes results.csv, results.json and results.png into --dir.",
    )
    run.add_argument("space", help="a search space (see `zoo-tune list`)")
    run.add_argument("--tuner", default="grid", help="grid, random or oneatatime (default grid)")
    run.add_argument("--dataset", help="dataset to train on (default: the space's)")
    run.add_argument(
        "--max-trials", type=int, help="stop after this many trials (random: default 10)"
    )
    run.add_argument(
        "--epochs", type=int, help="epochs per trial; the most any trial runs if tuned"
    )
    run.add_argument("--early-stopping", type=int, help="patience in epochs (val_loss)")
    run.add_argument("--dir", help="results directory (default runs/tuning/SPACE-TUNER)")
    run.add_argument("--data-dir", help="tfds data directory")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument(
        "--quick", action="store_true", help=f"train and validate on {QUICK_STEPS} batches"
    )
    run.add_argument("--workers", type=int, default=0, help="start a chief and N worker processes")
    run.add_argument(
        "--chief-timeout",
        type=float,
        default=10.0,
        help="a worker fails if its chief does not answer within this many seconds",
    )
    run.add_argument("--verbose", type=int, default=1, help="0: quiet, 1: progress (default)")
    return parser


def _list() -> int:
    from tuning import spaces

    print(f"{'space':24} {'model':16} {'dataset':18} {'grid':>6} {'1-at-a-time':>11}")
    for name in spaces.list_spaces():
        s = spaces.get(name)
        print(f"{name:24} {s.model:16} {s.dataset:18} {s.size:>6} {s.oneatatime_size:>11}")
    return 0


def _directory(args) -> str:
    return args.dir or os.path.join("runs", "tuning", f"{args.space}-{args.tuner}")


def _run(args) -> int:
    from tuning import search, spaces

    # KerasTuner collects garbage before every trial, and Keras's clear_session again; a
    # full collection walks every object alive, the backends' modules among them. Frozen,
    # what the imports made is left out of those collections.
    gc.freeze()
    space = spaces.get(args.space)
    search.check_tuner(args.tuner)
    options = {}
    if args.early_stopping:
        options["early_stopping"] = args.early_stopping
    rows = search.run(
        space,
        args.tuner,
        directory=_directory(args),
        dataset=args.dataset,
        max_trials=args.max_trials,
        epochs=args.epochs,
        steps=QUICK_STEPS if args.quick else None,
        data_dir=args.data_dir,
        seed=args.seed,
        verbose=args.verbose,
        chief_timeout=args.chief_timeout,
        **options,
    )
    if not search.is_worker():
        _print_results(rows, space, _directory(args))
    return 0


def _distributed(args, argv) -> int:
    """Start a chief and ``--workers`` workers on 127.0.0.1 and watch them until the
    search ends.

    A worker that dies is started again under the same tuner id, so the oracle hands it
    back the trial it held (its ``zoo.fit`` run resumes from the last finished epoch),
    at most ``MAX_RESTARTS`` times each. A chief that dies stops the workers, which
    would otherwise wait for it forever; the same command then resumes the search.
    """
    from tuning import search, spaces

    if args.workers < 0:
        raise ValueError(f"--workers must be >= 0. Received: {args.workers}")
    spaces.get(args.space)
    search.check_tuner(args.tuner)
    child = child_command(_without_workers(argv))
    port = search.free_port()
    env = {**os.environ, "KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": str(port)}
    gpus = visible_gpus()

    def start(tuner_id):
        index = None if tuner_id == "chief" else int(tuner_id.removeprefix("worker"))
        own = {**worker_environment(index, gpus, env), "KERASTUNER_TUNER_ID": tuner_id}
        if gpus and index is not None:
            print(f"{tuner_id}: GPU {own['CUDA_VISIBLE_DEVICES']} (of {', '.join(gpus)})")
        return subprocess.Popen(child, env=own)

    chief = start("chief")
    workers: dict[str, subprocess.Popen] = {}
    try:
        _wait_until_listening(chief, env, port)
        workers = {f"worker{i}": start(f"worker{i}") for i in range(args.workers)}
        restarts = dict.fromkeys(workers, 0)
        while chief.poll() is None:
            for tuner_id, worker in workers.items():
                code = worker.poll()
                if code in (None, 0):
                    continue
                if restarts[tuner_id] == MAX_RESTARTS:
                    print(
                        f"error: {tuner_id} failed {MAX_RESTARTS + 1} times (last exit code "
                        f"{code}); stopping the search. Run the same command to resume it.",
                        file=sys.stderr,
                    )
                    return 1
                restarts[tuner_id] += 1
                print(
                    f"warning: {tuner_id} exited with code {code}; starting it again under "
                    f"the same id to finish its trial (restart {restarts[tuner_id]} of "
                    f"{MAX_RESTARTS}).",
                    file=sys.stderr,
                )
                workers[tuner_id] = start(tuner_id)
            time.sleep(POLL_SECONDS)
        if chief.returncode:
            print(
                f"error: the tuning chief exited with code {chief.returncode}, so the "
                "workers were stopped. Run the same command to resume the search.",
                file=sys.stderr,
            )
            return 1
        codes = [w.wait(timeout=120) for w in workers.values()]  # The chief ends last.
    finally:
        for process in [chief, *workers.values()]:
            if process.poll() is None:
                process.terminate()
                process.wait()
    if any(codes):
        print(f"error: a search process failed (exit codes: {codes})", file=sys.stderr)
        return 1
    return 0  # The chief printed the results.


def visible_gpus(environ=None) -> list[str]:
    """The GPUs the workers may take, found without starting TensorFlow or JAX here (a
    parent that did would hold GPU memory for nothing): CUDA_VISIBLE_DEVICES when set
    (up to its first invalid entry, as CUDA reads it), else one per line of
    ``nvidia-smi -L``, else none."""
    environ = os.environ if environ is None else environ
    listed = environ.get("CUDA_VISIBLE_DEVICES")
    if listed is not None:
        gpus = []
        for device in (d.strip() for d in listed.split(",")):
            if not device or device.startswith("-"):
                break
            gpus.append(device)
        return gpus
    if shutil.which("nvidia-smi") is None:
        return []
    try:
        found = subprocess.run(
            ["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):  # a driver that does not answer: no GPU
        return []
    count = sum(line.startswith("GPU ") for line in found.stdout.splitlines())
    return [str(i) for i in range(count)]


def worker_environment(index: int | None, gpus: list[str], base_env) -> dict:
    """The environment of worker ``index`` (None: the chief) given the ``gpus`` to share.

    Worker i sees only ``gpus[i % len(gpus)]``, so N workers on N GPUs do not all train on
    the first, and grows its GPU memory as it needs it (TensorFlow and JAX otherwise take
    most of it at start, and a second worker on the same GPU would run out); settings of
    the user's are kept. The chief only serves the oracle, so it sees no GPU. Without GPUs
    the environment is ``base_env``.
    """
    env = dict(base_env)
    if not gpus:
        return env
    env["CUDA_VISIBLE_DEVICES"] = "" if index is None else gpus[index % len(gpus)]
    env.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    env.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    return env


def _wait_until_listening(chief, env, port) -> None:
    """Return once the chief serves its oracle; it imports TensorFlow and builds a model
    first."""
    from tuning import search

    deadline = time.monotonic() + 300
    saved = {k: os.environ.get(k) for k in ("KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT")}
    os.environ.update({k: env[k] for k in saved})
    try:
        while True:
            try:
                search.wait_for_chief(timeout=1.0)
                return
            except ConnectionError:
                if chief.poll() is not None or time.monotonic() > deadline:
                    raise ConnectionError(
                        f"The tuning chief did not start (exit code {chief.poll()}). "
                        f"Received: port={port}"
                    ) from None
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def child_command(argv) -> list[str]:
    """The command line of the chief and of each worker: this command without --workers."""
    return [sys.executable, "-m", "tuning", *argv]


def _without_workers(argv) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--workers":
            skip = True
        elif not arg.startswith("--workers="):
            out.append(arg)
    return out


def _print_results(rows, space, directory) -> None:
    from tuning import report

    print(report.table(rows, list(space.values)))
    done = sum(r["status"] == "COMPLETED" for r in rows)
    print(
        f"{done} of {len(rows)} trials completed. Results: {directory}/results.csv, "
        "results.json, results.png"
    )
    best = json.loads((Path(directory) / "results.json").read_text())["best_test"]
    if best:
        print(f"Best trial {best['trial']} on the test split: accuracy {best['test_accuracy']:.4f}")


if __name__ == "__main__":
    sys.exit(main())
