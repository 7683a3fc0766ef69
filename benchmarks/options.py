"""Training images/s of zoo models under each precision policy and XLA setting, side by side.

The options a GPU user turns (``zoo.mixed_precision`` and ``zoo.fit``'s
``jit_compile``) measured against the zoo's defaults in one process, interleaved
round by round so that the machine's noise hits every setting alike; the ratio
over the default is the number to read. Settings the device cannot run are left
out: ``mixed_float16`` needs a GPU, and JAX always compiles with XLA. Run:
`KERAS_BACKEND=jax python -m benchmarks.options --models cnn resnet20`.
"""

from __future__ import annotations

import argparse
import statistics

import keras

import zoo
from benchmarks import publish
from benchmarks.suite import training_data
from benchmarks.throughput import training_rates
from zoo.training import distribute


def policies() -> list[str]:
    """The precision policies this device can run, float32 (the default) first."""
    gpus = distribute.devices("gpu")
    return ["float32", "mixed_float16", "mixed_bfloat16"] if gpus else ["float32", "mixed_bfloat16"]


def compiled(name: str, policy: str, jit_compile, images: int):
    """``(model, x, y)``: zoo model ``name`` built under ``policy``, compiled for training."""
    with zoo.mixed_precision(policy):
        model = zoo.build(name)
    x, y, loss = training_data(model, images)
    model.compile(optimizer="adam", loss=loss, jit_compile=jit_compile)
    return model, x, y


def run(models=("cnn",), *, images=2048, rounds=3, repeats=1) -> dict:
    """For each model, every policy with Keras's ``jit_compile="auto"`` and, on TensorFlow,
    with the other XLA setting too (on JAX, no XLA means op by op: not an option)."""
    rows = []
    for name in models:
        contenders = {}
        for policy in policies():
            model, x, y = compiled(name, policy, "auto", images)
            contenders[(policy, "auto")] = model
            if keras.backend.backend() == "tensorflow":
                other = not model.jit_compile
                contenders[(policy, other)] = compiled(name, policy, other, images)[0]
        batch_size = min(zoo.get_preset(name).batch_size, images)
        rates = training_rates(contenders, x, y, batch_size, rounds, repeats)
        default = statistics.median(rates[next(iter(rates))])
        for (policy, jit), samples in rates.items():
            model = contenders[(policy, jit)]
            rate = statistics.median(samples)
            rows.append(
                {
                    "model": name,
                    "policy": policy,
                    "jit_compile": jit,
                    "uses_xla": bool(model.jit_compile),
                    "images_per_s": rate,
                    "over_default": rate / default,
                    "rounds": samples,
                }
            )
        keras.backend.clear_session()
    return {
        "benchmark": "options",
        "backend": keras.backend.backend(),
        "devices": distribute.devices(),
        "images": images,
        "rounds": rounds,
        "rows": rows,
    }


def table(result: dict) -> str:
    lines = [
        f"{result['backend']} on {', '.join(result['devices'])}",
        "| model | policy | jit_compile | XLA | img/s | over default |",
        "|---|---|---|---|--:|--:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['model']} | {r['policy']} | {r['jit_compile']} "
            f"| {'yes' if r['uses_xla'] else 'no'} | {r['images_per_s']:,.0f} "
            f"| {r['over_default']:.3f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["cnn"], choices=zoo.list_models())
    parser.add_argument(
        "--images", type=int, default=2048, help="random images, repeated into each timed epoch"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=1, help="timed epochs per round")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    result = run(args.models, images=args.images, rounds=args.rounds, repeats=args.repeats)
    return publish(result, table(result), args.json)


if __name__ == "__main__":
    main()
