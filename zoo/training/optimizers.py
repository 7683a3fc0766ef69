"""Optimizers and learning-rate schedules named in words, as the references name them.

Both are plain Keras objects, for ``zoo.fit`` or a plain ``model.compile``:

    steps = train.cardinality()
    lr = zoo.training.schedule("cosine", 1e-3, epochs=30, steps_per_epoch=steps)
    model.compile(optimizer=zoo.training.optimizer("sgd", lr, momentum=0.9), ...)
"""

from __future__ import annotations

import inspect

import keras
from keras import ops

from zoo import saving
from zoo.errors import did_you_mean


class _L2Gradient:
    """PyTorch's ``weight_decay`` (``torch.optim.SGD``, ``RMSprop``, ``Adam``): ``l2 * w``
    joins every variable's gradient before the optimizer's own update, as the gradient of
    an L2 penalty on all weights, biases and batch-norm parameters would. Keras's
    ``weight_decay`` shrinks the weights apart from the gradient (AdamW's decoupled
    decay): for these optimizers, another regulariser."""

    def __init__(self, *args, l2=0.0, **kwargs):
        super().__init__(*args, **kwargs)
        if not l2 >= 0:
            raise ValueError(f"`l2` must be >= 0. Received: l2={l2!r}")
        self.l2 = float(l2)

    def update_step(self, gradient, variable, learning_rate):
        if self.l2:
            decay = ops.cast(self.l2, variable.dtype)
            gradient = ops.add(ops.cast(gradient, variable.dtype), ops.multiply(decay, variable))
        super().update_step(gradient, variable, learning_rate)

    def get_config(self):
        return {**super().get_config(), "l2": self.l2}


@saving.serializable
class AdamL2(_L2Gradient, keras.optimizers.Adam):
    """Keras's Adam with PyTorch's weight decay (``torch.optim.Adam(weight_decay=l2)``)."""


@saving.serializable
class SGDL2(_L2Gradient, keras.optimizers.SGD):
    """Keras's SGD with PyTorch's weight decay (``torch.optim.SGD(weight_decay=l2)``).

    With momentum Keras keeps the learning rate inside the velocity and PyTorch outside:
    the two agree step for step while the rate is constant, and differ for a few steps
    after a step decay changes it."""


class _TorchRMSprop(keras.optimizers.RMSprop):
    """Keras's RMSprop with PyTorch's step: ``eps`` added to the root of the squared
    average, where Keras adds it under the root (``sqrt(v) + eps`` against
    ``sqrt(v + eps)``)."""

    def update_step(self, gradient, variable, learning_rate):
        if self.centered:
            raise ValueError("RMSpropL2 is PyTorch's plain RMSprop: centered=False.")
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        velocity = self._velocities[index]
        self.assign(
            velocity,
            ops.add(
                ops.multiply(self.rho, velocity), ops.multiply(1 - self.rho, ops.square(gradient))
            ),
        )
        increment = ops.divide(ops.multiply(lr, gradient), ops.sqrt(velocity) + self.epsilon)
        if self.momentum > 0:
            momentum = self._momentums[index]
            self.assign(momentum, ops.add(ops.multiply(self.momentum, momentum), increment))
            increment = momentum
        self.assign_sub(variable, increment)


@saving.serializable
class RMSpropL2(_L2Gradient, _TorchRMSprop):
    """PyTorch's RMSprop (``torch.optim.RMSprop(weight_decay=l2)``): its weight decay and
    its step. Keras's ``rho`` is PyTorch's ``alpha``; PyTorch's defaults are ``rho=0.99,
    epsilon=1e-8``."""


OPTIMIZERS = {
    "sgd": keras.optimizers.SGD,
    "adam": keras.optimizers.Adam,
    "adam_l2": AdamL2,
    "sgd_l2": SGDL2,
    "rmsprop_l2": RMSpropL2,
    "adamw": keras.optimizers.AdamW,
    "rmsprop": keras.optimizers.RMSprop,
    "adadelta": keras.optimizers.Adadelta,
    "adagrad": keras.optimizers.Adagrad,
    "nadam": keras.optimizers.Nadam,
    "lion": keras.optimizers.Lion,
}
SCHEDULES = (None, "constant", "step", "exponential", "cosine", "onecycle", "plateau")


def optimizer(
    name,
    learning_rate,
    *,
    momentum: float = 0.0,
    weight_decay: float | None = None,
    options: dict | None = None,
):
    """A Keras optimizer from its name (see ``OPTIMIZERS``); an optimizer is returned as is.

    ``momentum`` is SGD's (0, plain SGD: Keras's and PyTorch's default); ``weight_decay``
    is Keras's decoupled weight decay, for any optimizer (None keeps the optimizer's
    default), except the ``*_l2`` ones', which is PyTorch's, added to the gradient
    (``adam_l2``, ``sgd_l2``, ``rmsprop_l2``: a PyTorch reference's Adam, SGD and RMSprop).
    ``options`` are more keyword arguments of the Keras optimizer, for a reference whose
    framework's defaults differ from Keras's (PyTorch's RMSprop: ``{"rho": 0.99,
    "epsilon": 1e-8}``)."""
    if isinstance(name, keras.optimizers.Optimizer):
        return name
    key = str(name).lower()
    if key not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer '{name}'.{did_you_mean(key, OPTIMIZERS)} "
            f"Known: {', '.join(OPTIMIZERS)}. Received: optimizer={name!r}"
        )
    stock = next(c for c in OPTIMIZERS[key].__mro__ if c.__module__.startswith("keras."))
    unknown = sorted(set(options or {}) - set(inspect.signature(stock).parameters))
    if unknown:
        raise ValueError(
            f"Keras's {OPTIMIZERS[key].__name__} takes no {', '.join(unknown)}. "
            f"Received: options={options!r}"
        )
    kwargs = {"learning_rate": learning_rate, **(options or {})}
    if key in ("sgd", "sgd_l2"):
        kwargs["momentum"] = momentum
    if weight_decay is not None:
        kwargs["l2" if key.endswith("_l2") else "weight_decay"] = weight_decay
    return OPTIMIZERS[key](**kwargs)


def schedule(
    name,
    learning_rate: float,
    *,
    epochs: int,
    steps_per_epoch: int | None,
    step_size: int = 10,
    gamma: float = 0.5,
    warmup_epochs: float = 0,
):
    """The learning rate as a Keras schedule (or the number itself, for no schedule).

    ``step``: times ``gamma`` every ``step_size`` epochs (CV1); ``exponential``: times
    ``gamma`` every epoch; ``cosine``: cosine decay to 0 over the run, after
    ``warmup_epochs`` of linear warm-up; ``onecycle``: warm up from ``learning_rate /
    25`` over the first 30% (or ``warmup_epochs``), then cosine down; ``plateau`` is a
    callback (``keras.callbacks.ReduceLROnPlateau``), so the rate here is constant.
    """
    if name not in SCHEDULES:
        raise ValueError(
            f"Unknown schedule '{name}'. Known: {', '.join(map(str, SCHEDULES))}. "
            f"Received: schedule={name!r}"
        )
    if name in (None, "constant", "plateau"):
        return learning_rate
    if steps_per_epoch is None:
        raise ValueError(
            f"schedule='{name}' needs the number of batches per epoch, and this dataset's "
            "length is unknown. Pass steps_per_epoch=... Received: steps_per_epoch=None"
        )
    schedules = keras.optimizers.schedules
    total = max(1, epochs * steps_per_epoch)
    warmup = int(warmup_epochs * steps_per_epoch)
    lr = learning_rate
    if name == "step":
        return schedules.ExponentialDecay(lr, step_size * steps_per_epoch, gamma, staircase=True)
    if name == "exponential":
        return schedules.ExponentialDecay(lr, steps_per_epoch, gamma, staircase=True)
    if name == "cosine":
        if warmup:
            return schedules.CosineDecay(0.0, total - warmup, warmup_target=lr, warmup_steps=warmup)
        return schedules.CosineDecay(lr, total)
    warmup = warmup or int(0.3 * total)
    return schedules.CosineDecay(
        lr / 25, total - warmup, alpha=1e-3, warmup_target=lr, warmup_steps=warmup
    )
