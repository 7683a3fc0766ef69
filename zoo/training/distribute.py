"""Data-parallel training on several devices, the same way on both backends.

    with zoo.data_parallel() as replicas:      # every GPU here (else the CPUs)
        model = zoo.build("kth_cnn")           # variables are made on every device
        zoo.fit(model, train, val, epochs=30)  # each batch is split over the devices
    print(replicas.count)

On JAX this is Keras's distribution API (``keras.distribution.DataParallel``); on
TensorFlow it is ``tf.distribute.MirroredStrategy``, because Keras's own distribution
API is a prototype there. Both need the model's variables created inside the block,
and ``zoo.fit`` called inside it too. The batch size is the global one: with 4 devices
and ``batch_size=256`` each device takes 64 examples a step.

This is the zoo's only backend-specific code for devices; ``zoo.fit`` calls
``check_batches`` so that a batch that cannot be split evenly fails before training.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

import keras

KINDS = ("cpu", "gpu", "tpu")
VIRTUAL_CPUS = (
    "To get N virtual CPU devices, set them up before the backend starts: "
    "XLA_FLAGS=--xla_force_host_platform_device_count=N on JAX, or "
    "tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * N) "
    "on TensorFlow."
)


@dataclasses.dataclass(frozen=True)
class DataParallel:
    """What ``data_parallel`` set up: the devices (``"gpu:0"``...) and the backend's object."""

    devices: tuple[str, ...]
    #: ``keras.distribution.DataParallel`` on JAX, ``tf.distribute.MirroredStrategy`` on TF.
    engine: object

    @property
    def count(self) -> int:
        return len(self.devices)


_active: list[DataParallel] = []


def devices(kind: str | None = None) -> list[str]:
    """The devices training can use, as ``"gpu:0"``, ``"cpu:1"``...

    ``kind`` None lists the accelerators (GPUs or TPUs) when there are any, else the
    CPUs; ``"cpu"``, ``"gpu"`` or ``"tpu"`` lists that kind only. On JAX these are the
    devices of every host (after ``jax.distributed.initialize``). Listing them starts
    the backend, after which virtual CPU devices can no longer be made.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"`kind` must be one of {', '.join(KINDS)} or None. Received: {kind!r}")
    if keras.backend.backend() == "jax":
        import jax

        if kind is not None:
            try:
                return [f"{d.platform}:{d.id}" for d in jax.devices(kind)]
            except RuntimeError:  # JAX has no backend for that kind here
                return []
        return [f"{d.platform}:{d.id}" for d in jax.devices()]
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        def listed(k):
            return [
                f"{k}:{d.name.split(':')[-1]}" for d in tf.config.list_logical_devices(k.upper())
            ]

        if kind is not None:
            return listed(kind)
        return listed("tpu") or listed("gpu") or listed("cpu")
    raise NotImplementedError(
        "zoo.distribute supports the jax and tensorflow backends. "
        f"Received: KERAS_BACKEND={keras.backend.backend()!r}"
    )


@contextlib.contextmanager
def data_parallel(devices: int | list[str] | None = None) -> Iterator[DataParallel]:
    """Train data-parallel on ``devices`` inside this block (build the model in it too).

    devices: None for all of ``zoo.distribute.devices()``; a count, for the first that
        many; or names such as ``["gpu:0", "gpu:1"]``. Asking for more than exist is
        a ``ValueError`` that lists what there is.
    Yields a ``DataParallel`` whose ``count`` is the number of devices used.
    """
    if _active:
        raise ValueError(
            "zoo.data_parallel() blocks do not nest: one block already trains on "
            f"{', '.join(_active[-1].devices)}. Received: devices={devices!r}"
        )
    chosen = tuple(_choose(devices))
    if keras.backend.backend() == "jax":
        engine = keras.distribution.DataParallel(devices=list(chosen))
    else:
        import tensorflow as tf

        engine = tf.distribute.MirroredStrategy([f"/{name}" for name in chosen])
    setup = DataParallel(chosen, engine)
    with engine.scope():
        _active.append(setup)
        try:
            yield setup
        finally:
            _active.pop()


def _choose(wanted) -> list[str]:
    if wanted is None:
        return devices()
    if isinstance(wanted, bool) or not isinstance(wanted, (int, list, tuple)):
        raise ValueError(
            "`devices` must be None (all of them), a count, or a list of names such as "
            f"['gpu:0', 'gpu:1']. Received: devices={wanted!r}"
        )
    if isinstance(wanted, int):
        have = devices()
        if wanted < 1:
            raise ValueError(f"`devices` must be a count >= 1. Received: devices={wanted!r}")
        if wanted > len(have):
            raise ValueError(
                f"Asked for {wanted} devices but there {'is' if len(have) == 1 else 'are'} "
                f"{len(have)}: {', '.join(have)}. {VIRTUAL_CPUS} Received: devices={wanted!r}"
            )
        return have[:wanted]
    names = [str(name).lower().lstrip("/").removeprefix("device:") for name in wanted]
    known = {name for kind in KINDS for name in devices(kind)}
    unknown = [name for name in names if name not in known]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(
            f"`devices` must name different existing devices; {', '.join(unknown) or 'none'} "
            f"unknown. There are: {', '.join(sorted(known))}. Received: devices={wanted!r}"
        )
    return names


def replicas(model: keras.Model | None = None) -> int:
    """How many devices each training batch of ``model`` is split over (1 on one device).

    Reads the backend's own state, so it also counts a distribution set up with
    ``keras.distribution`` or a ``tf.distribute`` strategy directly.
    """
    if keras.backend.backend() == "jax":
        distribution = keras.distribution.distribution()
        if distribution is None:
            return 1
        mesh = distribution.device_mesh
        return int(mesh.shape[mesh.axis_names.index(distribution.batch_dim_name)])
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        strategy = model.distribute_strategy if model is not None else tf.distribute.get_strategy()
        return int(strategy.num_replicas_in_sync)
    return 1


def check_model(model: keras.Model) -> int:
    """The number of devices ``model`` trains on here; a clear error when its variables were
    made for other devices than those training now (it was built outside the block, or is
    being trained outside the block that built it)."""
    if keras.backend.backend() == "jax":
        count = replicas(model)
        spread = max(map(_device_count, model.variables), default=1)
        if count > 1 and spread == 1 and model.variables:
            raise ValueError(
                f"The model '{model.name}' was built outside the data-parallel block, so its "
                f"variables live on one device and cannot train on {count}. Build it inside "
                "`with zoo.data_parallel():`."
            )
        if count == 1 and spread > 1:
            raise ValueError(
                f"The model '{model.name}' was built inside `zoo.data_parallel()` for {spread} "
                "devices; call zoo.fit inside that same `with` block."
            )
        return count
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        own = getattr(model, "_distribute_strategy", None)
        if own is None and tf.distribute.has_strategy():
            raise ValueError(
                f"The model '{model.name}' was built outside the data-parallel block, so its "
                f"variables live on one device and cannot train on "
                f"{tf.distribute.get_strategy().num_replicas_in_sync}. Build it inside "
                "`with zoo.data_parallel():`."
            )
        if own is not None and not tf.distribute.has_strategy():
            raise ValueError(
                f"The model '{model.name}' was built inside `zoo.data_parallel()` for "
                f"{own.num_replicas_in_sync} devices; call zoo.fit inside that same `with` block."
            )
    return replicas(model)


def _device_count(variable) -> int:
    sharding = getattr(variable.value, "sharding", None)
    return len(getattr(sharding, "device_set", ())) or 1


def check_batches(model, train, validation=None, batch_size=None):
    """``(train, validation)`` ready for ``model.fit`` on the devices ``model`` trains on.

    On one device they are returned as they are. On ``n`` devices every batch must split
    evenly: a batch size that is not a multiple of ``n`` is a ``ValueError`` here, before
    training, when it is known (``batch_size`` for arrays, a dataset batched with
    ``drop_remainder=True``); for a dataset whose batches have no fixed size, the first
    batch that is not a multiple of ``n`` and is not the last stops training with the same
    advice. The last, smaller batch of an epoch is cut to a multiple of ``n`` (at most
    ``n - 1`` examples a pass are skipped), the same on both backends: JAX cannot split
    it, and TensorFlow would weight its examples unevenly. A dataset cut that way has no
    known length, so Keras warns once that the "input ran out of data" after epoch 1.
    """
    count = check_model(model)
    if count == 1:
        return train, validation
    train = _even(train, batch_size, count, "train")
    if validation is not None:
        validation = _even(validation, batch_size, count, "validation")
    return train, validation


def _advice(count, what, size=None):
    fix = f"Use a batch size that is a multiple of {count}"
    if size is None:
        found, received = "has a batch that is not a multiple of that before its last", ""
    else:
        found, received = f"batches have {size} examples", f" Received: batch_size={size}"
        fix += f" (e.g. {-(-size // count) * count})"
    return (
        f"Data-parallel training on {count} devices splits every batch evenly, and the "
        f"{what} data {found}. {fix}: `batch_size=` for arrays, "
        f"zoo.data.load(..., batch_size=) for datasets.{received}"
    )


def _even(data, batch_size, count, what):
    if isinstance(data, tuple):  # (x, y) or (x, y, sample_weight) arrays
        size = batch_size or 32  # Keras's default
        if size % count:
            raise ValueError(_advice(count, what, size))
        length = len(keras.tree.flatten(data[0])[0])
        keep = length - length % size % count
        if keep == length:
            return data
        return keras.tree.map_structure(lambda a: None if a is None else a[:keep], data)
    from zoo.data.batches import even_batches, static_batch_size

    try:
        size = static_batch_size(data)
    except TypeError:  # not a tf.data.Dataset: the backend checks it (a clear error, no hang)
        return data
    if size is not None:
        if size % count:
            raise ValueError(_advice(count, what, size))
        return data  # every batch has that size
    return even_batches(data, count, _advice(count, what))


def gpu_capability() -> tuple[int, int] | None:
    """The lowest CUDA compute capability of the GPUs here, e.g. ``(8, 0)``; None without GPUs
    or when the backend does not say."""
    try:
        if keras.backend.backend() == "jax":
            import jax

            found = [tuple(map(int, d.compute_capability.split("."))) for d in jax.devices("gpu")]
        else:
            import tensorflow as tf

            details = map(
                tf.config.experimental.get_device_details, tf.config.list_physical_devices("GPU")
            )
            found = [tuple(d["compute_capability"]) for d in details if "compute_capability" in d]
    except (RuntimeError, AttributeError, ValueError):
        return None
    return min(found) if found else None


def predict_on_batch(model: keras.Model, x):
    """``model.predict_on_batch(x)``, correct for a model trained data-parallel on TensorFlow.

    There Keras 3 runs the whole batch on every replica and returns one copy per device;
    ``model.predict`` splits the batch instead.
    """
    if keras.backend.backend() == "tensorflow" and replicas(model) > 1:
        return model.predict(x, batch_size=len(keras.tree.flatten(x)[0]), verbose=0)
    return model.predict_on_batch(x)
