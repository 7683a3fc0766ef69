"""Saving the zoo's own classes so that a ``.keras`` file says what it needs to load.

Keras cannot rebuild a class that the loading process has not imported; its error
("Could not locate class 'ClockOutput' ...") then prints the class's whole saved config.
So every class of the zoo's own writes ``"requires": "import zoo ..."`` into that config,
and a user without the zoo reads what to do in Keras's own error. Loading drops the key
again. Models made only of Keras's layers never carry it: they load without the zoo.
"""

from __future__ import annotations

import keras

REQUIRES_KEY = "requires"
REQUIRES = "import zoo (pip install keras-zoo) before keras.saving.load_model"


def serializable(cls):
    """``keras.saving.register_keras_serializable(package="zoo")``, plus the
    ``requires`` entry in the class's saved config (the module's docstring says why)."""
    get_config = cls.get_config
    from_config = cls.from_config.__func__

    def get_config_with_requirement(self):
        return {**get_config(self), REQUIRES_KEY: REQUIRES}

    def from_config_without_requirement(klass, config, *args, **kwargs):
        config = {key: value for key, value in config.items() if key != REQUIRES_KEY}
        return from_config(klass, config, *args, **kwargs)

    cls.get_config = get_config_with_requirement
    cls.from_config = classmethod(from_config_without_requirement)
    return keras.saving.register_keras_serializable(package="zoo")(cls)
