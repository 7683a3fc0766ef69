"""Model registry: names -> builders and presets.

A *family* (``mlp``, ``cnn``, ``resnet``) is a builder registered with its own
defaults; a *preset* (``lenet5``, ``cosc420_cnn``, ...) is data: a family plus
the options that reproduce a seed's model. ``build(name, **options)`` lets the
caller's options win over the preset's, as ``timm.create_model`` does.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType

import keras

from zoo.errors import did_you_mean


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named model: its builder, the builder options, and where it comes from.

    ``fit`` holds the training options the source used (optimizer, learning rate,
    ...), ready to pass to ``zoo.fit(model, data, **preset.fit)``; ``batch_size``
    is the one it loaded its data with, ``data`` its other ``zoo.data.load`` options
    (augmentation, ...) and ``evaluate`` its ``zoo.evaluate`` options (``flip``).
    ``python -m zoo train`` uses all four.
    """

    name: str
    builder: Callable[..., keras.Model]
    options: Mapping
    description: str
    source: str = ""
    fit: Mapping = dataclasses.field(default_factory=dict)
    batch_size: int = 128
    data: Mapping = dataclasses.field(default_factory=dict)
    evaluate: Mapping = dataclasses.field(default_factory=dict)

    @property
    def family(self) -> str:
        return self.builder.__name__.removeprefix("build_")

    def fit_without_epochs(self) -> dict:
        """``fit`` less its epochs, for a caller that chooses the epochs itself."""
        return {k: v for k, v in self.fit.items() if k != "epochs"}


_PRESETS: dict[str, Preset] = {}


def register_preset(
    name: str,
    builder: Callable[..., keras.Model],
    *,
    description: str,
    source: str = "",
    fit: Mapping | None = None,
    batch_size: int = 128,
    data: Mapping | None = None,
    evaluate: Mapping | None = None,
    **options,
) -> Preset:
    """Register ``name`` as ``builder(**options)``; a duplicate name raises."""
    if name in _PRESETS:
        raise ValueError(f"A model named '{name}' is already registered.")
    _check_options(name, builder, options)
    preset = Preset(
        name=name,
        builder=builder,
        options=MappingProxyType(dict(options)),
        description=description,
        source=source,
        fit=MappingProxyType(dict(fit or {})),
        batch_size=batch_size,
        data=MappingProxyType(dict(data or {})),
        evaluate=MappingProxyType(dict(evaluate or {})),
    )
    _PRESETS[name] = preset
    return preset


def get_preset(name: str) -> Preset:
    """The registered preset ``name``; unknown names raise with the closest match."""
    try:
        return _PRESETS[name]
    except KeyError:
        raise ValueError(
            f"Unknown model '{name}'.{did_you_mean(name, _PRESETS)} "
            f"See zoo.list_models() for all {len(_PRESETS)} names."
        ) from None


def list_models(pattern: str = "*") -> list[str]:
    """Sorted names of the registered models that match a shell-style ``pattern``."""
    return sorted(n for n in _PRESETS if fnmatch.fnmatch(n, pattern))


def describe(name: str) -> dict:
    """Every option of model ``name`` with the value ``build(name)`` would use."""
    preset = get_preset(name)
    defaults = {
        p.name: p.default
        for p in inspect.signature(preset.builder).parameters.values()
        if p.default is not inspect.Parameter.empty
    }
    return {**defaults, **preset.options}


def build(name: str, /, **options) -> keras.Model:
    """Build model ``name``; ``options`` override the preset's (see ``describe``)."""
    preset = get_preset(name)
    _check_options(name, preset.builder, options)
    merged = {**preset.options, **options}
    merged.setdefault("name", name)
    return preset.builder(**merged)


def _check_options(name: str, builder: Callable, options: Mapping) -> None:
    accepted = inspect.signature(builder).parameters
    for option in options:
        if option not in accepted:
            raise TypeError(
                f"Model '{name}' ({builder.__name__}) has no option '{option}'."
                f"{did_you_mean(option, accepted)} Its options: {', '.join(accepted)}."
            )
