"""Mixed precision: layers compute in 16 bits while variables stay float32.

    with zoo.mixed_precision("mixed_bfloat16"):
        model = zoo.build("kth_cnn")  # convolutions and dense layers compute in bfloat16
    zoo.fit(model, train, val)          # the policy belongs to the model from now on

The zoo's classifier heads keep their softmax in float32, so outputs and losses are
float32. With ``"mixed_float16"`` Keras wraps the optimizer in a ``LossScaleOptimizer``
when ``zoo.fit`` compiles, so small gradients do not underflow.

Which to use: ``"mixed_float16"`` on NVIDIA GPUs (tensor cores from compute capability
7.0); ``"mixed_bfloat16"`` on TPUs, on Ampere and later GPUs (8.0+), and on CPUs with
bfloat16 instructions. ``"mixed_float16"`` without a GPU is a ``ValueError`` rather than
a silent fallback: CPUs and TPUs gain nothing from float16 (a small CNN's training step
took 2.6x as long as in float32 on TensorFlow and 1.7x on JAX, on a 2-core AVX-512 CPU)
and it still costs precision, so it is almost always a GPU setting carried over by
mistake. Where a GPU is older than the policy needs, it runs, with a warning that it
will not be faster.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import keras

from zoo.training import distribute

POLICIES = (None, "float32", "mixed_float16", "mixed_bfloat16")
#: The lowest GPU compute capability on which each policy is faster than float32.
FAST_FROM = {"mixed_float16": (7, 0), "mixed_bfloat16": (8, 0)}


@contextlib.contextmanager
def mixed_precision(policy: str | None = "mixed_bfloat16") -> Iterator[keras.DTypePolicy]:
    """Build models inside this block with ``policy``; the previous policy comes back after.

    policy: ``"mixed_bfloat16"``, ``"mixed_float16"``, or None / ``"float32"`` for full
        precision. Yields the Keras ``DTypePolicy`` in force.
    """
    check_precision(policy)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy or "float32")
    try:
        yield keras.config.dtype_policy()
    finally:
        keras.config.set_dtype_policy(previous)


def check_precision(policy) -> None:
    """A ``ValueError`` for an unknown policy or ``mixed_float16`` without a GPU; a warning
    where the GPU is too old for the policy to be faster."""
    if policy not in POLICIES:
        raise ValueError(
            f"`policy` must be one of {', '.join(map(repr, POLICIES))}. Received: policy={policy!r}"
        )
    if policy not in FAST_FROM:
        return
    gpus = distribute.devices("gpu")
    if policy == "mixed_float16" and not gpus:
        raise ValueError(
            "'mixed_float16' is for GPUs, and there is none here "
            f"({', '.join(distribute.devices())}): on CPUs and TPUs float16 is no faster "
            "than float32. Use 'mixed_bfloat16' (or None for float32). "
            "Received: policy='mixed_float16'"
        )
    capability = distribute.gpu_capability() if gpus else None
    if capability is not None and capability < FAST_FROM[policy]:
        needs = ".".join(map(str, FAST_FROM[policy]))
        warnings.warn(
            f"'{policy}' runs on this GPU (compute capability "
            f"{'.'.join(map(str, capability))}) but is only faster from {needs} on.",
            stacklevel=3,
        )
