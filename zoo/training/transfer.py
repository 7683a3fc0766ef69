"""Transfer learning: a new head for another class count (CV1's CIFAR-100 -> STL-10)."""

from __future__ import annotations

import keras

from zoo.models.common import check_num_classes


def transfer(
    model: keras.Model,
    num_classes: int,
    *,
    freeze: bool = False,
    head: str = "head",
    name: str | None = None,
) -> keras.Model:
    """A copy of ``model`` whose ``head`` layer has ``num_classes`` units.

    Every other layer's weights are copied (the source model is left untouched,
    nothing is shared). ``freeze=True`` makes them non-trainable, so only the new
    head learns; frozen BatchNorm layers then run in inference mode.
    """
    check_num_classes(num_classes)
    config = model.get_config()
    head_configs = [c for c in config.get("layers", []) if c.get("name") == head]
    if not head_configs or "units" not in head_configs[0]["config"]:
        raise ValueError(
            f"transfer() needs a functional model whose output Dense layer is named '{head}' "
            f"(every zoo classifier has one; pass head=... otherwise). Layers of '{model.name}': "
            f"{', '.join(layer.name for layer in model.layers)}. Received: head={head!r}"
        )
    head_configs[0]["config"]["units"] = num_classes
    config["name"] = name or f"{model.name}_to_{num_classes}"
    new_model = keras.Model.from_config(config)
    for layer in new_model.layers:
        if layer.name == head:
            continue
        layer.set_weights(model.get_layer(layer.name).get_weights())
        if freeze:
            layer.trainable = False
    return new_model
