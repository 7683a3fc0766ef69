"""One call that trains a model the way the reference reports did, with Keras's own callbacks.

``fit`` composes Keras pieces that also work on their own: an optimizer and a
learning-rate schedule named in words (``zoo.training.optimizers``), the loss and
metrics the model's head calls for (``zoo.losses.compile_defaults``), the run's
callbacks (``zoo.callbacks.run_callbacks``). It compiles the model with them and runs
``model.fit`` with a run directory that holds the best
checkpoint (``best.keras``), the final model (``model.keras``), a backup to resume
from after a crash (``backup/``), the per-epoch CSV log (``history.csv``),
TensorBoard logs and the options and status of the run (``fit.json``). Calling
``fit`` again with the same ``run_dir`` resumes an interrupted run and does not
retrain a finished one (``zoo.training.rundir``).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import keras

from zoo.data import checks
from zoo.training import callbacks as zoo_callbacks
from zoo.training import distribute, optimizers, rundir
from zoo.training.losses import CrossEntropy, compile_defaults


def fit(
    model: keras.Model,
    train,
    validation=None,
    *,
    epochs: int = 10,
    optimizer="adam",
    learning_rate: float = 1e-3,
    momentum: float = 0.0,
    weight_decay: float | None = None,
    optimizer_options: dict | None = None,
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
    overwrite: bool = False,
    steps_per_epoch: int | None = None,
    batch_size: int | None = None,
    callbacks=(),
    class_weight=None,
    seed: int | None = None,
    precise_bn: int | None = 64,
    verbose="auto",
    jit_compile="auto",
    steps_per_execution: int = 1,
) -> keras.callbacks.History:
    """Compile ``model`` and train it on ``train`` (a batched dataset or an ``(x, y)`` tuple).

    optimizer: a name from ``zoo.training.optimizers.OPTIMIZERS`` (``sgd`` uses
        ``momentum``: 0, plain SGD, as in Keras and PyTorch) or a Keras optimizer.
    weight_decay: decoupled weight decay for any optimizer (None keeps its default);
        ``adam_l2``'s is PyTorch's Adam's, added to the gradient (an L2 penalty's).
    optimizer_options: more keyword arguments of the Keras optimizer (RMSprop's ``rho``,
        Adam's ``epsilon``, ...), e.g. a PyTorch reference's defaults where Keras's differ.
    schedule: ``step`` (times ``gamma`` every ``step_size`` epochs, CV1),
        ``exponential`` (times ``gamma`` every epoch), ``cosine``, ``onecycle``
        (warm up to ``learning_rate`` then cosine down), ``plateau`` (halve on a
        stalled ``monitor``); ``warmup_epochs`` adds a linear warm-up to cosine.
    loss, metrics: default to the output layer's own (``default_loss()``,
        ``default_metrics()``, as clock models have), else cross-entropy and accuracy.
    early_stopping: patience in epochs; the best weights are restored at the end.
    monitor: the quantity for early stopping and the best checkpoint
        (``val_loss`` when there is validation data, else ``loss``).
    checkpoint: keep the best epoch's model (``best.keras``); the final one is always
        kept (``model.keras``).
    run_dir: where logs and checkpoints go (default ``runs/<model>-<time>``). The same
        directory again resumes an interrupted run (with the same options); a finished
        run is not trained again: its final weights are loaded into ``model`` and its
        logged history is returned. ``overwrite=True`` clears the directory and starts over.
    seed: makes the run repeat exactly: Keras's, NumPy's, Python's and TensorFlow's
        seeds and TensorFlow's deterministic ops (``set_seed``). The initial weights and
        the data order were drawn when the model and the dataset were made: call
        ``zoo.set_seed(seed)`` before building both (``zoo.data.load(seed=...)``).
    precise_bn: recompute the batch-norm statistics over this many training batches at
        the end of every epoch, before validation (``zoo.callbacks.PreciseBatchNorm``);
        ``None`` or 0 keeps Keras's moving averages. A model without batch norm is not
        affected; with it, each epoch costs that many more forward passes (at most one
        pass over ``train``; ``python -m benchmarks.trust`` measures it, docs/training.md).
    jit_compile: XLA for the train step. Keras's ``"auto"`` uses it on JAX (where False
        means op by op, far slower) and on TensorFlow only with a GPU and no
        ``tf.distribute`` strategy (TF's XLA is ~4.5x slower on CPU).
    steps_per_execution: batches per call into the compiled step (Keras's own option).
        Small models whose step is shorter than the per-call cost train faster with a few
        (README, Speed); batch-level callbacks then run once per call.
    Bad data stops before the first step with a ``ValueError`` that says what is wrong:
    inputs of a shape the model does not take, values that are not finite, class labels
    outside the model's classes (checked on every batch). A training loss that is not
    finite at the end of an epoch stops the run with a ``FloatingPointError``.
    Inside ``zoo.data_parallel()`` each batch is split over the devices; see
    ``zoo.distribute.check_batches`` for the batch sizes that allows.
    Returns Keras's ``History``, with ``history.run_dir`` and ``history.train_seconds``.
    """
    _check_fit_args(
        epochs,
        learning_rate,
        label_smoothing,
        early_stopping,
        train,
        batch_size,
        steps_per_execution,
        precise_bn,
    )
    if seed is not None:
        set_seed(seed)
    if not steps_per_epoch:
        train = _with_known_length(train)
    validation = _with_known_length(validation)
    steps = steps_per_epoch or _steps_per_epoch(train, batch_size)
    monitor = monitor or ("val_loss" if validation is not None else "loss")
    lr = optimizers.schedule(
        schedule,
        learning_rate,
        epochs=epochs,
        steps_per_epoch=steps,
        step_size=step_size,
        gamma=gamma,
        warmup_epochs=warmup_epochs,
    )
    compiled = compile_defaults(model, loss=loss, metrics=metrics, label_smoothing=label_smoothing)
    loss = compiled["loss"]
    num_classes = _class_count(model, loss)
    train = checks.check_data(model, train, num_classes, "training")
    if validation is not None:
        validation = checks.check_data(model, validation, num_classes, "validation")
    train, validation = distribute.check_batches(model, train, validation, batch_size)
    model.compile(
        optimizer=optimizers.optimizer(
            optimizer,
            lr,
            momentum=momentum,
            weight_decay=weight_decay,
            options=optimizer_options,
        ),
        **compiled,
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )

    run_dir = (
        Path(run_dir)
        if run_dir
        else Path("runs") / f"{model.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    )
    options = dict(
        model=model.name,
        epochs=epochs,
        optimizer=str(optimizer),
        learning_rate=learning_rate,
        momentum=momentum,
        weight_decay=weight_decay,
        optimizer_options=optimizer_options or None,
        schedule=schedule,
        step_size=step_size,
        gamma=gamma,
        warmup_epochs=warmup_epochs,
        label_smoothing=label_smoothing,
        early_stopping=early_stopping,
        monitor=monitor,
        steps_per_epoch=steps,
        seed=seed,
        precise_bn=precise_bn or None,
        devices=distribute.replicas(model),
        precision=model.dtype_policy.name,
        jit_compile=model.jit_compile,
        steps_per_execution=steps_per_execution,
    )
    if rundir.claim(run_dir, options, overwrite=overwrite) == rundir.COMPLETE:
        return rundir.finished(model, run_dir)
    all_callbacks = zoo_callbacks.run_callbacks(
        run_dir,
        monitor=monitor,
        train=train,
        precise_bn=precise_bn,
        batch_size=batch_size,
        checkpoint=checkpoint,
        tensorboard=tensorboard,
        early_stopping=early_stopping,
        plateau=(gamma, step_size) if schedule == "plateau" else None,
    )
    all_callbacks.extend(callbacks)

    x, y = train if isinstance(train, tuple) else (train, None)
    start = time.perf_counter()
    with checks.bad_batches_in_words():
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
    history.train_seconds = time.perf_counter() - start
    rundir.complete(model, run_dir, history.train_seconds)
    history.run_dir = run_dir
    return history


def set_seed(seed: int) -> None:
    """Make what follows repeat exactly: ``keras.utils.set_random_seed(seed)`` (Python,
    NumPy, TensorFlow and Keras's own seed generators) and TensorFlow's deterministic
    ops, which tf.data uses on every backend. Call it before building the model and
    loading the data: their initial weights, data order and augmentation are drawn then.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"`seed` must be an integer >= 0. Received: seed={seed!r}")
    keras.utils.set_random_seed(seed)
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()


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


def _class_count(model, loss) -> int | None:
    """The number of classes the labels must lie in, for a sparse cross-entropy loss."""
    sparse = (keras.losses.SparseCategoricalCrossentropy, CrossEntropy)
    if not (isinstance(loss, sparse) or loss == "sparse_categorical_crossentropy"):
        return None
    shape = model.output_shape
    return shape[-1] if isinstance(shape, tuple) and isinstance(shape[-1], int) else None


def _check_fit_args(
    epochs,
    learning_rate,
    label_smoothing,
    early_stopping,
    train,
    batch_size,
    steps_per_execution,
    precise_bn,
):
    for name, value in (("epochs", epochs), ("steps_per_execution", steps_per_execution)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be an integer >= 1. Received: {name}={value!r}")
    if not learning_rate > 0:
        raise ValueError(f"`learning_rate` must be > 0. Received: learning_rate={learning_rate!r}")
    if not 0 <= label_smoothing < 1:
        raise ValueError(f"`label_smoothing` must be in [0, 1). Received: {label_smoothing!r}")
    if early_stopping is not None and (not isinstance(early_stopping, int) or early_stopping < 1):
        raise ValueError(
            f"`early_stopping` is a patience in epochs >= 1. Received: {early_stopping!r}"
        )
    if precise_bn is not None and (
        not isinstance(precise_bn, int) or isinstance(precise_bn, bool) or precise_bn < 0
    ):
        raise ValueError(
            "`precise_bn` is a number of batches (0 or None: off). "
            f"Received: precise_bn={precise_bn!r}"
        )
    if batch_size is not None and not isinstance(train, tuple):
        raise ValueError(
            "`batch_size` is for (x, y) arrays; a dataset is batched when it is loaded "
            "(zoo.data.load(..., batch_size=...)). Received: a dataset and batch_size="
            f"{batch_size!r}"
        )
