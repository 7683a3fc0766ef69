"""The zoo's backend-specific settings, kept in this one place.

The speed settings (the XLA:CPU flag here, the layers in ``zoo.models.layers``) were
measured on CPUs only, so they apply only where JAX computes on CPUs; on a GPU or TPU
JAX and Keras run as they come.
"""

from __future__ import annotations

import os
import sys
import tempfile
from importlib import metadata

#: Turns off XLA:CPU's YNNPACK path, whose convolutions run 2-3x slower than the
#: default Eigen ones on x86 CPUs (upstream openxla/xla 46351, jax 37465).
YNNPACK_OFF = "--xla_cpu_experimental_ynn_fusion_type="
#: jaxlib releases on which that flag was measured; XLA aborts on a flag it does not know.
TESTED_JAXLIB = ("0.10",)
#: TensorFlow's C++ log level for the zoo: 1 hides its INFO lines (the CPU-feature note
#: among them) and keeps its warnings and errors.
TF_CPP_MIN_LOG_LEVEL = "1"
#: Start-up lines that TensorFlow prints through absl before it reads that level, so the
#: level does not hide them: its oneDNN note (once per library that loads oneDNN) and
#: absl's preamble to any line printed that early.
TF_STARTUP_NOTES = (
    "oneDNN custom operations are on",
    "All log messages before absl::InitializeLog() is called",
)


def configure_xla_cpu() -> bool:
    """Switch YNNPACK off for JAX on CPU, unless the user has set ``XLA_FLAGS`` themselves.

    Must run before JAX starts its backend (``import zoo`` does it first), so it cannot
    ask JAX for its devices: it leaves the flags alone where a GPU or TPU plugin for JAX
    is installed, unless ``JAX_PLATFORMS=cpu`` keeps JAX on the CPUs. Returns whether it
    set the flag.
    """
    if "XLA_FLAGS" in os.environ:
        return False
    try:
        version = metadata.version("jaxlib")
    except metadata.PackageNotFoundError:
        return False
    if ".".join(version.split(".")[:2]) not in TESTED_JAXLIB:
        return False
    if os.environ.get("JAX_PLATFORMS") != "cpu" and jax_accelerator_plugins():
        return False
    os.environ["XLA_FLAGS"] = YNNPACK_OFF
    return True


def jax_accelerator_plugins() -> list[str]:
    """The GPU and TPU plugins JAX would load (CUDA and ROCm plugins advertise themselves as
    ``jax_plugins`` entry points; TPUs come with ``libtpu``), found without starting JAX."""
    plugins = sorted(entry.name for entry in metadata.entry_points(group="jax_plugins"))
    try:
        metadata.version("libtpu")
        plugins.append("libtpu")
    except metadata.PackageNotFoundError:
        pass
    return plugins


def jax_on_cpu() -> bool:
    """Whether Keras computes on JAX on CPUs: the only place the zoo's fast layers run."""
    import keras

    if keras.backend.backend() != "jax":
        return False
    import jax

    return jax.devices()[0].platform == "cpu"


def import_tensorflow_quietly() -> bool:
    """Import TensorFlow without its C++ start-up notes, unless the user set
    ``TF_CPP_MIN_LOG_LEVEL`` (then TensorFlow prints what they asked for).

    Sets that level, which TensorFlow reads once, when it is first imported, and drops
    the ``TF_STARTUP_NOTES`` it prints regardless from the process's stderr during the
    import; anything else it prints there is passed on. Returns whether it did so.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ or "tensorflow" in sys.modules:
        return False
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = TF_CPP_MIN_LOG_LEVEL
    with tempfile.TemporaryFile() as captured:
        sys.stderr.flush()
        stderr = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            sys.stderr.flush()
            os.dup2(stderr, 2)
            os.close(stderr)
            captured.seek(0)
            for line in captured.read().decode(errors="replace").splitlines(keepends=True):
                if not any(note in line for note in TF_STARTUP_NOTES):
                    sys.stderr.write(line)
    return True
