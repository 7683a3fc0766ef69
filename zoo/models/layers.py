"""Layers the zoo's builders use where Keras's own is slow on some backend.

Each is only a faster way to compute a stock Keras layer, measured on JAX on CPUs: it
runs Keras's own computation on any other backend or device, and it saves as the stock
class, so a ``.keras`` file of such layers loads with plain ``keras.saving.load_model``
where the zoo is not installed (it loads back as Keras's layer, with the same weights).
"""

from __future__ import annotations

import functools

import keras
import numpy as np
from keras import ops
from keras.src import api_export

from zoo.backend import jax_on_cpu


def _saved_as(stock: type):
    """Save the decorated subclass of ``stock`` under ``stock``'s public Keras name.

    Keras writes a class's canonical ``keras.*`` name, when it has one, instead of its
    module and registered name. Its table of those names is private (``keras.src``,
    hence ``keras<4`` in pyproject.toml); ``tests/test_portable.py`` checks the result.
    """

    def decorate(cls):
        api_export.REGISTERED_OBJS_TO_NAMES[cls] = api_export.get_name_from_symbol(stock)
        return cls

    return decorate


# Registered as well, so that files saved as "zoo>..." by earlier zoo releases still load.
@_saved_as(keras.layers.MaxPooling2D)
@keras.saving.register_keras_serializable(package="zoo")
class MaxPooling2D(keras.layers.MaxPooling2D):
    """Keras's ``MaxPooling2D``, with a faster gradient on JAX for 2x2 windows of stride 2.

    On JAX a non-overlapping 2x2 pool is computed as a reshape and a max over the
    two window axes, with a gradient of its own (``_first_max_pool``). XLA:CPU runs
    Keras's reduce-window gradient about 10x slower than that (50.8 against 4.3 ms
    for a batch of 128x28x28x32). The outputs and gradients are Keras's exactly,
    ties included: each window's gradient goes to its first maximum in row-major
    order, as Keras's own MaxPool gradient does on both backends. On TensorFlow the
    stock MaxPool kernel is the fast one, and no GPU has been measured, so both keep it.
    """

    def call(self, inputs):
        if not self._reshape_pool():
            return super().call(inputs)
        height, width = inputs.shape[1], inputs.shape[2]
        return _first_max_pool()(inputs[:, : height // 2 * 2, : width // 2 * 2, :])

    def _reshape_pool(self) -> bool:
        return (
            jax_on_cpu()
            and tuple(self.pool_size) == (2, 2)
            and tuple(self.strides) == (2, 2)
            and self.padding == "valid"
            and self.data_format == "channels_last"
        )


@functools.cache
def _first_max_pool():
    """A JAX 2x2 stride-2 max-pool (even height and width, channels last) whose gradient
    goes to each window's first maximum in row-major order, as Keras's does.

    JAX's own gradient of a max splits it evenly among tied maxima, which windows of
    zeros after a ReLU have all the time; this one takes the four corners in turn.
    """
    import jax
    import jax.numpy as jnp

    def windows(x):
        n, height, width, channels = x.shape
        return x.reshape(n, height // 2, 2, width // 2, 2, channels)

    @jax.custom_vjp
    def pool(x):
        return jnp.max(windows(x), axis=(2, 4))

    def forward(x):
        y = pool(x)
        return y, (x, y)

    def backward(saved, dy):
        x, y = saved
        q = windows(x)
        taken = jnp.zeros(y.shape, bool)
        grads = []
        for row, col in ((0, 0), (0, 1), (1, 0), (1, 1)):
            first = (q[:, :, row, :, col] == y) & ~taken
            grads.append(jnp.where(first, dy, jnp.zeros_like(dy)))
            taken = taken | first
        rows = [jnp.stack(grads[:2], axis=3), jnp.stack(grads[2:], axis=3)]
        return (jnp.stack(rows, axis=2).reshape(x.shape),)

    pool.defvjp(forward, backward)
    return pool


@_saved_as(keras.layers.Conv2DTranspose)
@keras.saving.register_keras_serializable(package="zoo")
class Conv2DTranspose(keras.layers.Conv2DTranspose):
    """Keras's ``Conv2DTranspose``, computed on JAX as one ordinary conv and a pixel shuffle.

    XLA:CPU runs a transposed conv as a conv over the input spread out with zeros
    (``lhs_dilation``), whose training step it runs far slower than TensorFlow does.
    A stride-``s`` transposed conv is the same as ``s * s`` ordinary convs with
    small kernels (each output phase ``(i mod s, j mod s)`` sees its own subset of
    the kernel's taps); stacked as the channels of one conv and interleaved back
    with a reshape ("sub-pixel convolution"), they give the same outputs and
    gradients from ordinary convs only. The weights keep Keras's layout, so a
    ``.keras`` file moves between this layer and Keras's, and between backends.
    On TensorFlow, whose own transposed conv is the faster (the sub-pixel CAE trained at
    0.64x its speed), on devices other than CPUs (not measured), and for dilated or
    channels-first convs, Keras's op runs.
    """

    def call(self, inputs):
        if not self._as_subpixel():
            return super().call(inputs)
        outputs = self._subpixel_conv(inputs)
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def _as_subpixel(self) -> bool:
        return (
            jax_on_cpu()
            and self.data_format == "channels_last"
            and tuple(self.dilation_rate) == (1, 1)
            and tuple(self.strides) != (1, 1)
        )

    def _subpixel_conv(self, inputs):
        # Keras's own padding rule for its JAX transposed conv, so that the two agree.
        from keras.src.backend.common.backend_utils import (
            compute_conv_transpose_padding_args_for_jax,
        )

        out_shape = self.compute_output_shape(inputs.shape)[1:3]
        pads = compute_conv_transpose_padding_args_for_jax(
            inputs.shape,
            self.kernel.shape,
            self.strides,
            self.padding,
            self.output_padding,
            self.dilation_rate,
        )
        axes = [
            _phase_taps(k, s, pad_left, n, m)
            for k, s, (pad_left, _), n, m in zip(
                self.kernel_size, self.strides, pads, inputs.shape[1:3], out_shape
            )
        ]
        (taps_h, pad_h, rows), (taps_w, pad_w, cols) = axes
        # kernel (kh, kw, filters, in) -> (th, tw, in, phase_h, phase_w, filters)
        kernel = self.kernel
        taps_h, taps_w = (ops.convert_to_tensor(t, dtype=kernel.dtype) for t in (taps_h, taps_w))
        kernel = ops.einsum("rta,puc,acoi->tuirpo", taps_h, taps_w, kernel)
        th, tw, channels_in = kernel.shape[:3]
        kernel = ops.reshape(kernel, (th, tw, channels_in, -1))
        x = ops.pad(inputs, ((0, 0), pad_h, pad_w, (0, 0)))
        x = ops.conv(x, kernel, padding="valid")[:, :rows, :cols, :]
        (sh, sw), filters = self.strides, self.filters
        x = ops.reshape(x, (-1, rows, cols, sh, sw, filters))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        x = ops.reshape(x, (-1, rows * sh, cols * sw, filters))
        return x[:, : out_shape[0], : out_shape[1], :]


def _phase_taps(kernel_size, stride, pad_left, length, out_length):
    """One axis of a transposed conv as ``stride`` ordinary convs (one per output phase).

    The transposed conv's output ``o = stride * m + r`` sums ``x[m + q] * w[K - 1 - k]``
    over the taps ``k`` with ``q = (r + k - pad_left) / stride`` a whole number. Returns
    a 0/1 array ``(stride, taps, K)`` that picks each phase's kernel taps, the input
    padding that lines its offsets ``q`` up with a valid conv, and the number of
    outputs per phase.
    """
    offsets = {
        r: {
            (r + k - pad_left) // stride: kernel_size - 1 - k
            for k in range(kernel_size)
            if (r + k - pad_left) % stride == 0
        }
        for r in range(stride)
    }
    every = [q for taps in offsets.values() for q in taps]
    low, high = min(every), max(every)
    picks = np.zeros((stride, high - low + 1, kernel_size), "float32")
    for r, taps in offsets.items():
        for q, tap in taps.items():
            picks[r, q - low, tap] = 1.0
    rows = -(-out_length // stride)
    before = -low  # low <= 0 always: phase r = pad_left % stride has tap k = 0 at q <= 0
    after = max(0, rows + high - length)
    return picks, (before, after), rows
