"""Search spaces written as data (the references' own are in ``tuning.references``).

A ``Space`` names a model preset, a default dataset and, for every hyperparameter,
the explicit list of values to try (never a range: KerasTuner's GridSearch turns a
Float without a step into 10 values). A value is a plain option value, or a *bundle*:
a dict label -> options, so that one setting may set several options at once
(``"adam_1e-2"`` -> ``optimizer="adam", learning_rate=1e-2``). ``derive`` turns
options that only make sense together (``layers`` and ``units``) into builder options.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Mapping

from zoo.errors import did_you_mean


@dataclasses.dataclass(frozen=True)
class Space:
    """A search space: hyperparameter name -> values, and where each option goes.

    values: name -> list of values, or name -> {label: {option: value, ...}} (a bundle).
    baseline: the one-at-a-time baseline per name (default: each list's first value).
    fixed: options every trial uses (builder, data or fit options).
    data, fit: the option names that go to ``zoo.data.load`` and ``zoo.fit``;
        every other option goes to the model builder (``zoo.build``).
    derive: optional function options -> options, run before the options are split.
    """

    name: str
    model: str
    dataset: str
    values: Mapping[str, object]
    baseline: Mapping[str, object] = dataclasses.field(default_factory=dict)
    fixed: Mapping[str, object] = dataclasses.field(default_factory=dict)
    data: tuple[str, ...] = ()
    fit: tuple[str, ...] = ()
    derive: Callable[[dict], dict] | None = None
    description: str = ""

    def __post_init__(self):
        if not self.values:
            raise ValueError(f"Space '{self.name}' has no hyperparameters. Received: values={{}}")
        for hp, values in self.values.items():
            if not isinstance(values, (list, tuple, Mapping)) or len(values) == 0:
                raise ValueError(
                    f"Hyperparameter '{hp}' of space '{self.name}' needs a non-empty list of "
                    f"values. Received: {hp}={values!r}"
                )
        for hp, value in self.baseline.items():
            if hp not in self.values:
                raise ValueError(
                    f"Space '{self.name}' has a baseline for '{hp}', which is not one of its "
                    f"hyperparameters.{did_you_mean(hp, self.values)} Received: {hp}={value!r}"
                )
            self.baseline_label(hp)

    def choices(self, hp: str) -> dict:
        """Label -> value for ``hp``; labels are what KerasTuner stores (str, int or float)."""
        values = self.values[hp]
        if isinstance(values, Mapping):
            return {str(label): dict(options) for label, options in values.items()}
        types = {type(v) for v in values}
        if types <= {int, float} and int in types and float in types:
            return {float(v): v for v in values}
        if len(types) == 1 and types <= {int, float, str, bool}:
            return {v: v for v in values}
        return {label(v): v for v in values}

    def baseline_label(self, hp: str):
        """The label of ``hp``'s baseline (its first value unless ``baseline`` names one)."""
        choices = self.choices(hp)
        if hp not in self.baseline:
            return next(iter(choices))
        value = self.baseline[hp]
        if isinstance(self.values[hp], Mapping) and str(value) in choices:
            return str(value)
        for key, choice in choices.items():
            if choice == value:
                return key
        raise ValueError(
            f"The baseline of '{hp}' in space '{self.name}' is not one of its values "
            f"{list(choices)}. Received: {hp}={value!r}"
        )

    @property
    def size(self) -> int:
        """The number of grid settings: the product of the value counts."""
        return math.prod(len(v) for v in self.values.values())

    @property
    def oneatatime_size(self) -> int:
        """Baseline plus each value off baseline, one hyperparameter at a time."""
        return 1 + sum(len(v) - 1 for v in self.values.values())

    def fingerprint(self) -> str:
        """A short hash of what makes two spaces the same search."""
        hps = list(self.values)
        content = dict(
            name=self.name,
            model=self.model,
            values={hp: {str(k): repr(v) for k, v in self.choices(hp).items()} for hp in hps},
            baseline={hp: str(self.baseline_label(hp)) for hp in self.values},
            fixed={k: repr(v) for k, v in self.fixed.items()},
            data=self.data,
            fit=self.fit,
            derive=getattr(self.derive, "__qualname__", None),
        )
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def label(value) -> str:
    """A short label for a value KerasTuner cannot store as is (tuples, None, mixed types)."""
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        return "-".join(label(v) for v in value) or "none"
    return str(value)


_SPACES: dict[str, Space] = {}


def register(space: Space) -> Space:
    """Add ``space`` to the spaces ``get`` and ``python -m tuning list`` know."""
    if space.name in _SPACES:
        raise ValueError(f"A search space named '{space.name}' is already registered.")
    _SPACES[space.name] = space
    return space


def get(name) -> Space:
    """The space ``name`` (a ``Space`` is returned as is); unknown names raise."""
    if isinstance(name, Space):
        return name
    if name not in _SPACES:
        raise ValueError(
            f"Unknown search space.{did_you_mean(name, _SPACES)} "
            f"Known: {', '.join(sorted(_SPACES))}. Received: {name!r}"
        )
    return _SPACES[name]


def list_spaces() -> list[str]:
    return sorted(_SPACES)
