"""Train steps that make several updates per batch, each with its own optimizer (the GAN).

This is the zoo's only backend-specific training code. Keras 3 has no
backend-neutral gradient, and its trainers call ``train_step`` in two ways:
``train_step(data)`` on TensorFlow, and the stateless ``train_step(state, data) ->
(logs, state)`` on JAX. A model that makes several updates per batch writes its step
once, in ``keras.ops``, as if every variable were stateful, and gets from here:

- ``value_and_grad``: ``jax.value_and_grad`` on JAX, ``tf.GradientTape`` on
  TensorFlow (the one place in the zoo's model code that imports either);
- ``train_step`` and ``test_step``: on JAX, run the step in a ``keras.StatelessScope``
  over the trainer's state and collect the new state from it (what the Keras
  authors advise for multi-update steps, keras-team/keras issue 18881);
- ``OptimizerPair``: two optimizers that ``compile`` and the trainers see as one.
"""

from __future__ import annotations

import keras

from zoo import saving


def value_and_grad(fn, values, *args):
    """``loss, aux, grads`` of ``fn(values, *args) -> (loss, aux)`` with respect to ``values``.

    ``values`` are the current values of the variables to differentiate (``[v.value
    for v in variables]``); ``fn`` must be stateless in them (use ``stateless_call``).
    """
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        (loss, aux), grads = jax.value_and_grad(fn, has_aux=True)(values, *args)
        return loss, aux, grads
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(values)
            loss, aux = fn(values, *args)
        return loss, aux, tape.gradient(loss, values)
    raise NotImplementedError(
        "The zoo's multi-update train steps run on the TensorFlow and JAX backends. "
        f"Received: KERAS_BACKEND={backend!r}"
    )


def train_step(model: keras.Model, args: tuple, step):
    """Run ``step(data) -> logs`` as ``model``'s Keras train step on the current backend.

    ``args`` are what the trainer passed to ``model.train_step``. ``step`` reads and
    assigns variables as usual and applies optimizers with ``optimizer.apply``.
    """
    return _run(model, args, step, training=True)


def test_step(model: keras.Model, args: tuple, step):
    """Run ``step(data) -> logs`` as ``model``'s Keras test step (``evaluate``, validation)."""
    return _run(model, args, step, training=False)


def _run(model, args, step, training):
    if keras.backend.backend() != "jax":
        (data,) = args
        return step(data)
    state, data = args  # JAX's trainer passes and expects back its state's variable values
    groups = [model.trainable_variables, model.non_trainable_variables]
    groups += [model.optimizer.variables] if training else []
    groups += [model.metrics_variables]
    mapping = [
        (variable, value)
        for variables, values in zip(groups, state, strict=True)
        for variable, value in zip(variables, values, strict=True)
    ]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        logs = step(data)
    return logs, tuple([scope.get_current_value(v) for v in variables] for variables in groups)


@saving.serializable
class OptimizerPair(keras.optimizers.Optimizer):
    """The discriminator's and the generator's optimizers, seen by ``fit`` as one.

    Keras's trainers (JAX's in particular) carry ``model.optimizer.variables`` through
    each step; this makes them both optimizers' variables, so both are updated, saved
    and restored. It applies nothing itself: the GAN's step calls each one.
    """

    def __init__(self, discriminator="adam", generator="adam", name="optimizer_pair", **kwargs):
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        self.d_optimizer = keras.optimizers.get(discriminator)
        self.g_optimizer = keras.optimizers.get(generator)

    @property
    def variables(self):
        return self._variables + self.d_optimizer.variables + self.g_optimizer.variables

    def finalize_variable_values(self, var_list):
        for optimizer in (self.d_optimizer, self.g_optimizer):
            if optimizer.built:  # e.g. AdamW(use_ema=True) writes the averages back
                optimizer.finalize_variable_values(optimizer._trainable_variables)

    def get_config(self):
        return {
            "name": self.name,
            "discriminator": keras.optimizers.serialize(self.d_optimizer),
            "generator": keras.optimizers.serialize(self.g_optimizer),
        }
