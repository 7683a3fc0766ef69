"""Model registry: names -> builders and presets.

A *family* (``mlp``, ``cnn``, ``resnet``) is a builder registered with its own
defaults; a *preset* (``lenet5``, ``cosc420_cnn``, ...) is data: a family plus the
options of the model and of its run that reproduce a reference's (the tables in
``zoo/models/presets/``, one file per family). ``build(name, **options)`` lets the
caller's options win over the preset's, as ``timm.create_model`` does.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import inspect
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType

import keras

from zoo.errors import did_you_mean

EMPTY: Mapping = MappingProxyType({})
DEFAULT_BATCH_SIZE = 128  # zoo.data.load's
DEFAULT_EPOCHS = 10  # zoo.fit's


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named recipe: a family's builder and the options of every stage of its run.

    ``model`` goes to the builder, ``data`` to ``zoo.data.load`` (``batch_size`` among
    them), ``fit`` to ``zoo.fit`` (``epochs`` among them) and ``evaluate`` to
    ``zoo.evaluate``. ``merge`` is the one way to change any of them; the command line,
    the example scripts, the searches and the benchmarks all use it.

        preset = zoo.get_preset("kth_cnn").merge(fit={"epochs": 3}, data={"batch_size": 256})
        model = preset.build()
        zoo.fit(model, zoo.data.load("cifar10", **preset.data), **preset.fit)
    """

    name: str
    builder: Callable[..., keras.Model]
    description: str
    source: str = ""
    model: Mapping = dataclasses.field(default_factory=lambda: EMPTY)
    data: Mapping = dataclasses.field(default_factory=lambda: EMPTY)
    fit: Mapping = dataclasses.field(default_factory=lambda: EMPTY)
    evaluate: Mapping = dataclasses.field(default_factory=lambda: EMPTY)

    @property
    def family(self) -> str:
        return self.builder.__name__.removeprefix("build_")

    @property
    def batch_size(self) -> int:
        return self.data.get("batch_size", DEFAULT_BATCH_SIZE)

    @property
    def epochs(self) -> int:
        return self.fit.get("epochs", DEFAULT_EPOCHS)

    def merge(self, *, model=None, data=None, fit=None, evaluate=None) -> Preset:
        """This recipe with the given options winning, stage by stage and option by
        option. Unknown model options raise here, before anything is built."""
        _check_options(self.name, self.builder, model or {})
        stages = {"model": model, "data": data, "fit": fit, "evaluate": evaluate}
        return dataclasses.replace(
            self,
            **{k: _frozen({**getattr(self, k), **v}) for k, v in stages.items() if v},
        )

    def build(self, **model) -> keras.Model:
        """The model, with ``model`` options over the preset's (see ``zoo.describe``)."""
        options = {"name": self.name, **self.merge(model=model).model}
        return self.builder(**options)


def _frozen(options: Mapping) -> Mapping:
    return MappingProxyType(dict(options))


_PRESETS: dict[str, Preset] = {}


def register_preset(
    name: str,
    builder: Callable[..., keras.Model],
    *,
    description: str,
    source: str = "",
    model: Mapping | None = None,
    data: Mapping | None = None,
    fit: Mapping | None = None,
    evaluate: Mapping | None = None,
) -> Preset:
    """Register ``name``: ``builder`` with ``model`` options, trained with ``data``,
    ``fit`` and ``evaluate`` options (see ``Preset``); a duplicate name raises."""
    if name in _PRESETS:
        raise ValueError(f"A model named '{name}' is already registered.")
    _check_options(name, builder, model or {})
    stages = {"model": model, "data": data, "fit": fit, "evaluate": evaluate}
    preset = Preset(
        name, builder, description, source, **{k: _frozen(v or {}) for k, v in stages.items()}
    )
    _PRESETS[name] = preset
    return preset


def register_presets(builder: Callable[..., keras.Model], presets: Mapping[str, Mapping]):
    """Register every ``name -> {description, source, model, data, fit, evaluate}``."""
    for name, preset in presets.items():
        register_preset(name, builder, **preset)


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
    return {**defaults, **preset.model}


def trainable_parameters(model: keras.Model) -> int:
    """The number of trainable weights in ``model`` (the count the references' tables give)."""
    return sum(math.prod(weight.shape) for weight in model.trainable_weights)


def build(name: str, /, **options) -> keras.Model:
    """Build model ``name``; ``options`` override the preset's (see ``describe``)."""
    return get_preset(name).build(**options)


def _check_options(name: str, builder: Callable, options: Mapping) -> None:
    accepted = inspect.signature(builder).parameters
    for option in options:
        if option not in accepted:
            raise TypeError(
                f"Model '{name}' ({builder.__name__}) has no option '{option}'."
                f"{did_you_mean(option, accepted)} Its options: {', '.join(accepted)}."
            )
