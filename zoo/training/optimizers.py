"""Optimizers and learning-rate schedules named in words, as the references name them.

Both are plain Keras objects, for ``zoo.fit`` or a plain ``model.compile``:

    steps = train.cardinality()
    lr = zoo.training.schedule("cosine", 1e-3, epochs=30, steps_per_epoch=steps)
    model.compile(optimizer=zoo.training.optimizer("sgd", lr, momentum=0.9), ...)
"""

from __future__ import annotations

import keras

from zoo.errors import did_you_mean

OPTIMIZERS = {
    "sgd": keras.optimizers.SGD,
    "adam": keras.optimizers.Adam,
    "adamw": keras.optimizers.AdamW,
    "rmsprop": keras.optimizers.RMSprop,
    "adadelta": keras.optimizers.Adadelta,
    "adagrad": keras.optimizers.Adagrad,
    "nadam": keras.optimizers.Nadam,
    "lion": keras.optimizers.Lion,
}
SCHEDULES = (None, "constant", "step", "exponential", "cosine", "onecycle", "plateau")


def optimizer(name, learning_rate, *, momentum: float = 0.9, weight_decay: float | None = None):
    """A Keras optimizer from its name (see ``OPTIMIZERS``); an optimizer is returned as is.

    ``momentum`` is SGD's; ``weight_decay`` is Keras's decoupled weight decay, for any
    optimizer (None keeps the optimizer's default)."""
    if isinstance(name, keras.optimizers.Optimizer):
        return name
    key = str(name).lower()
    if key not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer '{name}'.{did_you_mean(key, OPTIMIZERS)} "
            f"Known: {', '.join(OPTIMIZERS)}. Received: optimizer={name!r}"
        )
    kwargs = {"learning_rate": learning_rate}
    if key == "sgd":
        kwargs["momentum"] = momentum
    if weight_decay is not None:
        kwargs["weight_decay"] = weight_decay
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
