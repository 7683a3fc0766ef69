"""Keras callbacks that ``zoo.fit`` adds; each also works in a plain ``model.fit``.

model.fit(train, validation_data=val, epochs=5,
          callbacks=[zoo.callbacks.PreciseBatchNorm(train), zoo.callbacks.StopOnNaN()])
model.fit(train, validation_data=val, epochs=5,
          callbacks=zoo.callbacks.run_callbacks("runs/mine", train=train))
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import keras
import numpy as np


def batch_norm_layers(model: keras.Model) -> list[keras.layers.BatchNormalization]:
    """Every trainable ``BatchNormalization`` layer in ``model``, nested models included."""
    found, stack = [], list(getattr(model, "layers", ()))
    while stack:
        layer = stack.pop(0)
        if isinstance(layer, keras.layers.BatchNormalization) and layer.trainable:
            found.append(layer)
        stack.extend(getattr(layer, "layers", ()))
    return found


def recompute_batch_norm(model: keras.Model, batches, forward=None) -> int:
    """Set every batch-norm layer's moving mean and variance to their average over
    ``batches`` (an iterable of model inputs), as PyTorch's ``update_bn`` and the
    "precise BN" of pycls do. Returns the number of batches used.

    Each batch runs forward in training mode, where a batch-norm layer normalises with
    the batch's own statistics, so the result does not depend on the old moving values.
    ``forward``: a ``batch_statistics(model)`` to reuse (it compiles on first use).
    """
    layers = batch_norm_layers(model)
    if not layers:
        return 0
    forward = forward or batch_statistics(model)
    momenta = [layer.momentum for layer in layers]
    totals, count = None, 0
    try:
        for layer in layers:  # The moving values become the batch's own.
            layer.momentum = 0.0
        for x in batches:
            stats = [np.asarray(s, np.float64) for s in forward(x)]
            totals = stats if totals is None else [t + s for t, s in zip(totals, stats)]
            count += 1
    finally:
        for layer, momentum in zip(layers, momenta):
            layer.momentum = momentum
    if count:
        for i, layer in enumerate(layers):
            layer.moving_mean.assign((totals[2 * i] / count).astype(layer.moving_mean.dtype))
            layer.moving_variance.assign(
                (totals[2 * i + 1] / count).astype(layer.moving_variance.dtype)
            )
    return count


def batch_statistics(model: keras.Model):
    """A compiled ``x -> [mean_0, var_0, mean_1, ...]``: the batch statistics of every
    batch-norm layer of ``model`` (``batch_norm_layers``) for one batch in training mode,
    read as the moving values that a momentum of 0 leaves (``recompute_batch_norm`` sets
    it while the function is traced and used). The model's state is left as it was on
    JAX; on TensorFlow the moving values hold the last batch's."""
    layers = batch_norm_layers(model)
    moving = [v for layer in layers for v in (layer.moving_mean, layer.moving_variance)]
    if keras.backend.backend() == "jax":
        import jax

        where = {id(v): i for i, v in enumerate(model.non_trainable_variables)}
        at = [where[id(v)] for v in moving]

        @jax.jit
        def stats(trainable, non_trainable, x):
            _, state = model.stateless_call(trainable, non_trainable, x, training=True)
            return [state[i] for i in at]

        def forward(x):
            x = keras.tree.map_structure(np.asarray, x)  # tf.data gives TensorFlow tensors
            trainable = [v.value for v in model.trainable_variables]
            return stats(trainable, [v.value for v in model.non_trainable_variables], x)

        return forward
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        @tf.function(reduce_retracing=True)
        def forward(x):
            model(x, training=True)
            return [tf.identity(v) for v in moving]

        return forward

    def forward(x):  # other backends: op by op
        model(x, training=True)
        return [keras.ops.convert_to_numpy(v) for v in moving]

    return forward


class PreciseBatchNorm(keras.callbacks.Callback):
    """Recompute batch-norm statistics over ``batches`` training batches at the end of
    every epoch, before its validation, checkpoint and early-stopping decision.

    Keras's moving averages start at mean 0 and variance 1 and keep ``momentum**steps``
    of that start: after 330 steps at the default 0.99, 3.6% of the initial variance,
    several times a first convolution's real variance, so a short run validates and
    tests far below what its weights can do. The recomputed statistics are those of the
    weights the epoch ended with. Costs ``batches`` forward passes an epoch (at most one
    pass over ``data``); does nothing for a model without batch norm.

    data: the training data, a batched ``tf.data.Dataset`` (or any iterable of
        ``(x, y)`` batches), or an ``(x, y)`` tuple of arrays cut into ``batch_size``.
    """

    def __init__(self, data, batches: int = 64, batch_size: int = 32):
        super().__init__()
        if not isinstance(batches, int) or isinstance(batches, bool) or batches < 1:
            raise ValueError(f"`batches` must be an integer >= 1. Received: batches={batches!r}")
        self.data = data
        self.batches = batches
        self.batch_size = batch_size
        self._done_this_epoch = False
        self._forward = None

    def on_epoch_begin(self, epoch, logs=None):
        self._done_this_epoch = False

    def on_train_batch_end(self, batch, logs=None):
        steps = self.params.get("steps")
        if steps and batch + 1 >= steps:  # the epoch's last step: validation comes next
            self._recompute()

    def on_epoch_end(self, epoch, logs=None):
        self._recompute()  # only when the epoch's length was unknown

    def _recompute(self):
        if self._done_this_epoch or self.model.stop_training:
            return
        self._done_this_epoch = True
        if batch_norm_layers(self.model):
            self._forward = self._forward or batch_statistics(self.model)
            recompute_batch_norm(self.model, self._inputs(), self._forward)

    def _inputs(self):
        if isinstance(self.data, tuple):
            x = self.data[0]
            length = len(keras.tree.flatten(x)[0])
            order = np.random.permutation(length)[: self.batches * self.batch_size]
            for start in range(0, len(order), self.batch_size):
                at = np.sort(order[start : start + self.batch_size])
                yield keras.tree.map_structure(lambda a, at=at: a[at], x)
            return
        data = self.data.take(self.batches) if hasattr(self.data, "take") else self.data
        for i, element in enumerate(data):
            if i >= self.batches:
                return
            yield element[0] if isinstance(element, (tuple, list)) else element


class StopOnNaN(keras.callbacks.Callback):
    """Stop training with a ``FloatingPointError`` at the end of the first epoch whose
    training loss is not finite, before later callbacks log, checkpoint or back up that
    epoch: the run directory keeps its last good checkpoint. Put it first in the list.

    Unlike Keras's ``TerminateOnNaN`` it checks once an epoch (no device sync per batch)
    and fails loudly instead of ending as if training had finished.
    """

    def __init__(self, checkpoint=None):
        super().__init__()
        self.checkpoint = checkpoint

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        kept = ""
        if self.checkpoint is not None and os.path.exists(self.checkpoint):
            kept = f" The last good checkpoint is {self.checkpoint}."
        raise FloatingPointError(
            f"The training loss became {float(loss)} in epoch {epoch + 1}, so training "
            f"stopped.{kept} Try a lower learning rate, gradient clipping, or check the "
            "data for extreme values."
        )


def run_callbacks(
    run_dir,
    *,
    monitor: str = "val_loss",
    train=None,
    precise_bn: int | None = 64,
    batch_size: int | None = None,
    checkpoint: bool = True,
    tensorboard: bool = True,
    early_stopping: int | None = None,
    plateau: tuple[float, int] | None = None,
) -> list[keras.callbacks.Callback]:
    """The callbacks of a ``zoo.fit`` run in ``run_dir``, in the order they must run.

    ``StopOnNaN`` first (a diverged epoch is then neither logged, checkpointed nor backed
    up), ``PreciseBatchNorm`` over ``precise_bn`` batches of ``train`` (before
    validation), a backup to resume from, the CSV log, the best checkpoint
    (``best.keras``), TensorBoard logs, early stopping with the best weights restored
    (patience ``early_stopping``) and ``ReduceLROnPlateau`` (``plateau=(factor,
    patience)``). Usable in a plain ``model.fit(..., callbacks=run_callbacks(...))``.
    """
    run_dir = Path(run_dir)
    best = run_dir / "best.keras"
    callbacks = [StopOnNaN(best if checkpoint else None)]
    if precise_bn and train is not None:
        callbacks.append(PreciseBatchNorm(train, precise_bn, batch_size=batch_size or 32))
    callbacks += [
        keras.callbacks.BackupAndRestore(str(run_dir / "backup")),
        keras.callbacks.CSVLogger(str(run_dir / "history.csv"), append=True),
    ]
    if checkpoint:
        callbacks.append(
            keras.callbacks.ModelCheckpoint(str(best), monitor=monitor, save_best_only=True)
        )
    if tensorboard:
        callbacks.append(keras.callbacks.TensorBoard(str(run_dir / "tensorboard")))
    if early_stopping:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, patience=early_stopping, restore_best_weights=True
            )
        )
    if plateau:
        factor, patience = plateau
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(monitor=monitor, factor=factor, patience=patience)
        )
    return callbacks
