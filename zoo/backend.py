"""The zoo's backend-specific settings, kept in this one place."""

from __future__ import annotations

import os
from importlib import metadata

#: Turns off XLA:CPU's YNNPACK path, whose convolutions run 2-3x slower than the
#: default Eigen ones on x86 CPUs (upstream openxla/xla 46351, jax 37465).
YNNPACK_OFF = "--xla_cpu_experimental_ynn_fusion_type="
#: jaxlib releases on which that flag was measured; XLA aborts on a flag it does not know.
TESTED_JAXLIB = ("0.10",)


def configure_xla_cpu() -> bool:
    """Switch YNNPACK off for JAX on CPU, unless the user has set ``XLA_FLAGS`` themselves.

    Must run before JAX starts its backend (``import zoo`` does it first). The flag
    only concerns XLA's CPU compiler, so runs on a GPU are untouched. Returns whether
    it set the flag.
    """
    if "XLA_FLAGS" in os.environ:
        return False
    try:
        version = metadata.version("jaxlib")
    except metadata.PackageNotFoundError:
        return False
    if ".".join(version.split(".")[:2]) not in TESTED_JAXLIB:
        return False
    os.environ["XLA_FLAGS"] = YNNPACK_OFF
    return True
