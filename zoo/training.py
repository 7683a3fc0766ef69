"""One call that trains a model the way the seed reports did, with Keras's own callbacks.

``fit`` compiles the model with an optimizer and learning-rate schedule named in
words, then runs ``model.fit`` with a run directory that holds the best
checkpoint (``best.keras``), a backup to resume from after a crash (``backup/``),
the per-epoch CSV log (``history.csv``), TensorBoard logs and the options used
(``fit.json``). Calling ``fit`` again with the same ``run_dir`` resumes.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import keras

from zoo import distribute
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


def fit(
    model: keras.Model,
    train,
    validation=None,
    *,
    epochs: int = 10,
    optimizer="adam",
    learning_rate: float = 1e-3,
    momentum: float = 0.9,
    weight_decay: float | None = None,
    schedule: str | None = None,
    step_size: int = 10,
    gamma: float = 0.5,
    warmup_epochs: float = 0,
    loss=None,
    label_smoothing: float = 0.0,
    metrics=None,
    early_stopping: int | None = None,
    monitor: str | None = None,
    checkpoint: bool = True,
    tensorboard: bool = True,
    run_dir=None,
    steps_per_epoch: int | None = None,
    batch_size: int | None = None,
    callbacks=(),
    class_weight=None,
    seed: int | None = None,
    verbose="auto",
    jit_compile="auto",
    steps_per_execution: int = 1,
) -> keras.callbacks.History:
    """Compile ``model`` and train it on ``train`` (a batched dataset or an ``(x, y)`` tuple).

    optimizer: a name from ``OPTIMIZERS`` (``sgd`` uses ``momentum``) or a Keras optimizer.
    weight_decay: decoupled weight decay for any optimizer (None keeps its default).
    schedule: ``step`` (times ``gamma`` every ``step_size`` epochs, seed 001),
        ``exponential`` (times ``gamma`` every epoch), ``cosine``, ``onecycle``
        (warm up to ``learning_rate`` then cosine down), ``plateau`` (halve on a
        stalled ``monitor``); ``warmup_epochs`` adds a linear warm-up to cosine.
    loss, metrics: default to the output layer's own (``default_loss()``,
        ``default_metrics()``, as clock models have), else cross-entropy and accuracy.
    early_stopping: patience in epochs; the best weights are restored at the end.
    monitor: the quantity for early stopping and the best checkpoint
        (``val_loss`` when there is validation data, else ``loss``).
    run_dir: where logs and checkpoints go (default ``runs/<model>-<time>``);
        the same directory again resumes an interrupted run.
    jit_compile: XLA for the train step. Keras's ``"auto"`` uses it on JAX (where False
        means op by op, far slower) and on TensorFlow only with a GPU and no
        ``tf.distribute`` strategy (TF's XLA is ~4.5x slower on CPU).
    steps_per_execution: batches per call into the compiled step (Keras's own option).
        Small models whose step is shorter than the per-call cost train faster with a few
        (8 lifted the 1-hidden-layer MLP on TensorFlow CPU about 1.3x: README, Speed);
        batch-level callbacks then run once per call.
    Inside ``zoo.data_parallel()`` each batch is split over the devices; see
    ``zoo.distribute.check_batches`` for the batch sizes that allows.
    Returns Keras's ``History``, with ``history.run_dir`` set.
    """
    _check_fit_args(
        epochs, learning_rate, schedule, label_smoothing, early_stopping, train, batch_size,
        steps_per_execution,
    )  # fmt: skip
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if not steps_per_epoch:
        train = _with_known_length(train)
    validation = _with_known_length(validation)
    steps = steps_per_epoch or _steps_per_epoch(train, batch_size)
    train, validation = distribute.check_batches(model, train, validation, batch_size)
    monitor = monitor or ("val_loss" if validation is not None else "loss")
    lr = _learning_rate(schedule, learning_rate, epochs, steps, step_size, gamma, warmup_epochs)
    output_layer = model.layers[-1]
    if loss is None and hasattr(output_layer, "default_loss"):  # e.g. zoo.clock.ClockOutput
        loss = output_layer.default_loss()
    if metrics is None:
        metrics = getattr(output_layer, "default_metrics", lambda: ["accuracy"])()
    if loss is None:
        if label_smoothing:
            from zoo.losses import CrossEntropy

            loss = CrossEntropy(label_smoothing=label_smoothing, from_logits=_outputs_logits(model))
        else:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=_outputs_logits(model))
    model.compile(
        optimizer=make_optimizer(optimizer, lr, momentum=momentum, weight_decay=weight_decay),
        loss=loss,
        metrics=list(metrics),
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )

    run_dir = (
        Path(run_dir)
        if run_dir
        else Path("runs") / f"{model.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    )
    run_dir.mkdir(parents=True, exist_ok=True)
    options = dict(
        model=model.name,
        epochs=epochs,
        optimizer=str(optimizer),
        learning_rate=learning_rate,
        momentum=momentum,
        weight_decay=weight_decay,
        schedule=schedule,
        step_size=step_size,
        gamma=gamma,
        warmup_epochs=warmup_epochs,
        label_smoothing=label_smoothing,
        early_stopping=early_stopping,
        monitor=monitor,
        steps_per_epoch=steps,
        seed=seed,
        devices=distribute.replicas(model),
        precision=model.dtype_policy.name,
        jit_compile=model.jit_compile,
        steps_per_execution=steps_per_execution,
    )
    (run_dir / "fit.json").write_text(json.dumps(options, indent=2))
    all_callbacks = [
        keras.callbacks.BackupAndRestore(str(run_dir / "backup")),
        keras.callbacks.CSVLogger(str(run_dir / "history.csv"), append=True),
    ]
    if checkpoint:
        all_callbacks.append(
            keras.callbacks.ModelCheckpoint(
                str(run_dir / "best.keras"), monitor=monitor, save_best_only=True
            )
        )
    if tensorboard:
        all_callbacks.append(keras.callbacks.TensorBoard(str(run_dir / "tensorboard")))
    if early_stopping:
        all_callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, patience=early_stopping, restore_best_weights=True
            )
        )
    if schedule == "plateau":
        all_callbacks.append(
            keras.callbacks.ReduceLROnPlateau(monitor=monitor, factor=gamma, patience=step_size)
        )
    all_callbacks.extend(callbacks)

    x, y = train if isinstance(train, tuple) else (train, None)
    history = model.fit(
        x,
        y,
        batch_size=batch_size if y is not None else None,
        epochs=epochs,
        validation_data=validation,
        shuffle=y is not None,  # a dataset shuffles itself (zoo.data.load(shuffle=...))
        steps_per_epoch=steps_per_epoch,
        callbacks=all_callbacks,
        class_weight=class_weight,
        verbose=verbose,
    )
    history.run_dir = run_dir
    return history


def make_optimizer(
    optimizer, learning_rate, *, momentum: float = 0.9, weight_decay: float | None = None
):
    """A Keras optimizer from its name (see ``OPTIMIZERS``); an optimizer is returned as is."""
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    key = str(optimizer).lower()
    if key not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer '{optimizer}'.{did_you_mean(key, OPTIMIZERS)} "
            f"Known: {', '.join(OPTIMIZERS)}. "
            f"Received: optimizer={optimizer!r}"
        )
    kwargs = {"learning_rate": learning_rate}
    if key == "sgd":
        kwargs["momentum"] = momentum
    if weight_decay is not None:
        kwargs["weight_decay"] = weight_decay
    return OPTIMIZERS[key](**kwargs)


def _learning_rate(schedule, lr, epochs, steps, step_size, gamma, warmup_epochs):
    if schedule in (None, "constant", "plateau"):
        return lr
    if steps is None:
        raise ValueError(
            f"schedule='{schedule}' needs the number of batches per epoch, and this dataset's "
            "length is unknown. Pass steps_per_epoch=... Received: steps_per_epoch=None"
        )
    schedules = keras.optimizers.schedules
    total = max(1, epochs * steps)
    warmup = int(warmup_epochs * steps)
    if schedule == "step":
        return schedules.ExponentialDecay(lr, step_size * steps, gamma, staircase=True)
    if schedule == "exponential":
        return schedules.ExponentialDecay(lr, steps, gamma, staircase=True)
    if schedule == "cosine":
        if warmup:
            return schedules.CosineDecay(0.0, total - warmup, warmup_target=lr, warmup_steps=warmup)
        return schedules.CosineDecay(lr, total)
    # onecycle: a warm-up over the first 30% (or warmup_epochs) from lr/25, then cosine to ~0.
    warmup = warmup or int(0.3 * total)
    return schedules.CosineDecay(
        lr / 25, total - warmup, alpha=1e-3, warmup_target=lr, warmup_steps=warmup
    )


def _steps_per_epoch(train, batch_size) -> int | None:
    if isinstance(train, tuple):
        return math.ceil(len(train[0]) / (batch_size or 32))
    cardinality = int(train.cardinality()) if hasattr(train, "cardinality") else -2
    return cardinality if cardinality > 0 else None  # unknown or infinite


def _with_known_length(data):
    """A tf.data set of a length tf.data cannot tell (filtered, e.g. to some classes,
    as ``zoo.data.load(classes=..., cache=False)`` is), counted in one pass and
    asserted. Without it a per-step schedule has no length, the first epoch's progress
    bar no total, Keras warns that the input "ran out of data" every epoch, and on
    TensorFlow counts one optimizer step too many per epoch."""
    if not hasattr(data, "cardinality") or int(data.cardinality()) != -2:
        return data
    import tensorflow as tf

    batches = sum(1 for _ in data)
    return data.apply(tf.data.experimental.assert_cardinality(batches)) if batches else data


def _outputs_logits(model) -> bool:
    return getattr(model.layers[-1], "activation", None) is keras.activations.linear


def _check_fit_args(
    epochs, learning_rate, schedule, label_smoothing, early_stopping, train, batch_size,
    steps_per_execution,
):  # fmt: skip
    for name, value in (("epochs", epochs), ("steps_per_execution", steps_per_execution)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be an integer >= 1. Received: {name}={value!r}")
    if not learning_rate > 0:
        raise ValueError(f"`learning_rate` must be > 0. Received: learning_rate={learning_rate!r}")
    if schedule not in SCHEDULES:
        raise ValueError(
            f"Unknown schedule '{schedule}'. Known: {', '.join(map(str, SCHEDULES))}. "
            f"Received: schedule={schedule!r}"
        )
    if not 0 <= label_smoothing < 1:
        raise ValueError(f"`label_smoothing` must be in [0, 1). Received: {label_smoothing!r}")
    if early_stopping is not None and (not isinstance(early_stopping, int) or early_stopping < 1):
        raise ValueError(
            f"`early_stopping` is a patience in epochs >= 1. Received: {early_stopping!r}"
        )
    if batch_size is not None and not isinstance(train, tuple):
        raise ValueError(
            "`batch_size` is for (x, y) arrays; a dataset is batched when it is loaded "
            "(zoo.data.load(..., batch_size=...)). Received: a dataset and batch_size="
            f"{batch_size!r}"
        )
