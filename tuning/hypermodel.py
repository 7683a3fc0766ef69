"""A KerasTuner HyperModel over a zoo preset and a ``Space``.

A trial is the space's model preset with the trial's values merged into its recipe
(``recipe(hp)``): ``build(hp)`` builds its model; ``fit(hp, model, **kwargs)`` loads the
data with its data options (batch size, augmentation, ...) and calls ``zoo.fit`` with
its fit options (epochs, optimizer, learning rate, weight decay, schedule, ...) and the
tuner's callbacks.
"""

from __future__ import annotations

import inspect

import keras_tuner as kt

import zoo
from tuning import spaces
from zoo.errors import did_you_mean

DATA_OPTIONS = tuple(inspect.signature(zoo.data.load).parameters)[2:]  # validation among them
#: The fraction of train a trial is scored on: the preset's, or this where it holds out
#: none (validation=0, a reference that trained on all of train), since the search's
#: objective is a validation score and never the test split's.
SEARCH_VALIDATION = 0.1
FIT_OPTIONS = tuple(inspect.signature(zoo.fit).parameters)[3:]


def split_options(space: spaces.Space, labels: dict) -> tuple[dict, dict, dict]:
    """``(builder, data, fit)`` options for one setting, given as hp name -> label."""
    options = dict(space.fixed)
    for hp, lab in labels.items():
        value = space.choices(hp)[lab]
        if isinstance(space.values[hp], dict):
            options.update(value)
        else:
            options[hp] = value
    if space.derive is not None:
        options = space.derive(options)
    data = {k: v for k, v in options.items() if k in space.data}
    fit = {k: v for k, v in options.items() if k in space.fit}
    builder = {k: v for k, v in options.items() if k not in data and k not in fit}
    return builder, data, fit


def check_space(space: spaces.Space) -> None:
    """Raise before any training if a setting names an option nothing takes."""
    for role, names, accepted, where in (
        ("data", space.data, DATA_OPTIONS, "zoo.data.load"),
        ("fit", space.fit, FIT_OPTIONS, "zoo.fit"),
    ):
        for name in names:
            if name not in accepted:
                raise ValueError(
                    f"Space '{space.name}' lists '{name}' as a {role} option, but {where} has "
                    f"no such option.{did_you_mean(name, accepted)} Received: {role}={names!r}"
                )
    model_options = zoo.describe(space.model)
    for labels in settings_one_at_a_time(space):
        builder, _, _ = split_options(space, labels)
        for name, value in builder.items():
            if name not in model_options:
                raise ValueError(
                    f"Space '{space.name}' sets '{name}', which model '{space.model}' does not "
                    f"take (nor zoo.data.load or zoo.fit, as listed in the space's data/fit)."
                    f"{did_you_mean(name, [*model_options, *DATA_OPTIONS, *FIT_OPTIONS])} "
                    f"Received: {name}={value!r}"
                )


def settings_one_at_a_time(space: spaces.Space) -> list[dict]:
    """The baseline, then each hyperparameter's other values alone (hp name -> label)."""
    baseline = {hp: space.baseline_label(hp) for hp in space.values}
    settings = [baseline]
    for hp in space.values:
        for lab in space.choices(hp):
            if lab != baseline[hp]:
                settings.append({**baseline, hp: lab})
    return settings


class ZooHyperModel(kt.HyperModel):
    """Builds ``space.model`` and trains it on ``dataset`` with the trial's values.

    epochs: the epochs of every trial, or the most any trial runs when the space
        tunes ``epochs``. steps: train and validate on that many batches (quick runs).
    fit_options: more ``zoo.fit`` options for every trial (``early_stopping``, ...).
    """

    def __init__(
        self,
        space,
        *,
        dataset: str | None = None,
        data_dir=None,
        epochs: int | None = None,
        steps: int | None = None,
        seed: int | None = 0,
        **fit_options,
    ):
        self.space = spaces.get(space)
        check_space(self.space)
        super().__init__(name=self.space.name)
        self.dataset = zoo.data.sources.check_name(dataset or self.space.dataset)
        self.data_dir = data_dir
        self.epochs = epochs
        self.steps = steps
        self.seed = seed
        self.fit_options = {"tensorboard": False, "verbose": 0, **fit_options}
        self._info = None

    def declare(self, hp: kt.HyperParameters) -> dict:
        """Register the space's hyperparameters in ``hp``; returns hp name -> label."""
        space = self.space
        return {
            name: hp.Choice(name, list(space.choices(name)), default=space.baseline_label(name))
            for name in space.values
        }

    def recipe(self, hp: kt.HyperParameters) -> zoo.Preset:
        """The space's model preset, sized for the dataset: its recipe, then the fit
        options given to this HyperModel, then the trial's values (``Preset.merge``)."""
        builder, data, fit = split_options(self.space, self.declare(hp))
        if self._info is None:
            self._info = zoo.data.info(self.dataset, self.data_dir)
        preset = zoo.get_preset(self.space.model).merge(fit=self.fit_options)
        preset = preset.merge(data=data, fit=fit)
        shape = self._info.model_options(preset.data.get("image_size"), preset.data.get("classes"))
        preset = preset.merge(model={**shape, **builder})
        fit = {"seed": self.seed, **preset.fit}
        if self.epochs is not None:
            fit["epochs"] = min(fit["epochs"], self.epochs) if "epochs" in fit else self.epochs
        return preset.merge(fit=fit)

    def build(self, hp):
        recipe = self.recipe(hp)
        if self.seed is not None:  # Every trial starts alike, whichever process runs it.
            zoo.set_seed(self.seed)
        return recipe.build()

    def fit(self, hp, model, *args, **kwargs):
        recipe = self.recipe(hp)
        train, val = self.load(**recipe.data)
        if kwargs.get("verbose") == 1:  # The tuner's progress, then one line per epoch.
            kwargs["verbose"] = 2
        return zoo.fit(model, train, val, **{**recipe.fit, **kwargs})

    def load(self, **data):
        """Train and validation batches for these data options. Made anew for each trial:
        a dataset's shuffled order moves on with each pass, so one kept from an earlier
        trial would give this trial another order than it gets alone."""
        data = {"seed": self.seed, "data_dir": self.data_dir, **data}
        data["validation"] = data.get("validation") or SEARCH_VALIDATION
        train, val, _ = zoo.data.load_splits(self.dataset, **data)
        if self.steps:
            train, val = train.take(self.steps), val.take(self.steps)
        return train, val
