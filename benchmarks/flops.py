"""FLOPs a model needs per image, counted from its layers, and this machine's matmul rate.

A multiply-add counts as 2 FLOPs. Only the layers that multiply by a kernel are
counted (Dense, Conv2D, Conv2DTranspose, DepthwiseConv2D); biases, activations,
pooling and normalisation are left out, as they are small next to them. A training
step counts as 3x the forward pass (forward, then gradients with respect to both
the activations and the weights), the usual convention.
"""

from __future__ import annotations

import math
import statistics
import time

import keras


def forward_flops(model: keras.Model) -> int:
    """FLOPs of one image's forward pass, nested functional sub-models included.

    A layer called more than once counts once (its first call's shapes).
    """
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += forward_flops(layer)
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            # Each input position is multiplied by the whole kernel.
            total += 2 * math.prod(layer.input.shape[1:-1]) * math.prod(layer.kernel.shape)
        elif isinstance(
            layer, (keras.layers.Dense, keras.layers.Conv2D, keras.layers.DepthwiseConv2D)
        ):
            # Each output position is the whole kernel (per output channel) times a patch.
            total += 2 * math.prod(layer.output.shape[1:-1]) * math.prod(layer.kernel.shape)
    return total


def training_flops(model: keras.Model) -> int:
    """FLOPs of one image's training step: 3x the forward pass."""
    return 3 * forward_flops(model)


def matmul_gflops(size: int = 2048, repeats: int = 5) -> float:
    """GFLOP/s of a ``size`` x ``size`` float32 ``keras.ops.matmul`` on the current backend.

    Measured at the backend's default matmul precision, the one the model's layers
    get too; one warm-up, then the median of ``repeats``.
    """
    rng = keras.random.SeedGenerator(0)
    a = keras.random.normal((size, size), dtype="float32", seed=rng)
    b = keras.random.normal((size, size), dtype="float32", seed=rng)
    _wait(keras.ops.matmul(a, b))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _wait(keras.ops.matmul(a, b))
        times.append(time.perf_counter() - start)
    return 2 * size**3 / statistics.median(times) / 1e9


def _wait(x) -> None:
    """Return once ``x`` is computed (JAX dispatches asynchronously)."""
    if hasattr(x, "block_until_ready"):
        x.block_until_ready()
    else:
        keras.ops.convert_to_numpy(x[:1, :1])
