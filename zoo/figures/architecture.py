"""Architecture diagrams, the figures the references draw of their models.

``plot_architecture`` is ``keras.utils.plot_model``, which needs pydot and Graphviz's
``dot`` program; without them it says what to install, and ``write_summary`` gives the
same layers as text (``model.summary()``), which needs nothing.
"""

from __future__ import annotations

from pathlib import Path

import keras

from zoo.figures.plots import _DEFAULTS, DPI, _check_options
from zoo.models import registry

INSTALL = "`pip install pydot` and the system's Graphviz, e.g. `apt-get install graphviz`"


def plot_architecture(
    model,
    path,
    *,
    format: str | None = None,
    dpi=None,
    show_shapes: bool = True,
    show_layer_names: bool = True,
    **options,
) -> Path:
    """Draw ``model`` (a Keras model or a preset's name) at ``path``; returns the path.

    ``format`` and ``dpi`` work as in ``save_figure`` (so the scripts' --figure-format and
    --dpi reach it); ``options`` are ``keras.utils.plot_model``'s (``expand_nested``,
    ``rankdir``, ...). The layers' names show by default: the zoo names every layer.
    Without pydot or Graphviz this raises an ImportError that names what to install.
    """
    model = registry.build(model) if isinstance(model, str) else model
    defaults = _DEFAULTS.get() or {}
    dpi = defaults.get("dpi", DPI) if dpi is None else dpi
    format = format or defaults.get("format") or Path(path).suffix[1:].lower() or "png"
    _check_options(None, format, dpi)
    path = Path(path).with_suffix(f".{format}")
    path.parent.mkdir(parents=True, exist_ok=True)
    reason = None
    try:
        keras.utils.plot_model(
            model,
            to_file=str(path),
            show_shapes=show_shapes,
            show_layer_names=show_layer_names,
            dpi=dpi,
            **options,
        )
    except ImportError as error:
        reason = str(error)
    if reason is not None or not path.exists():  # in a notebook Keras prints, not raises
        raise ImportError(
            f"Drawing the architecture of '{model.name}' needs pydot and Graphviz: {INSTALL}. "
            "`zoo.plots.write_summary(model, path)` writes its layers as text without them. "
            f"Received: {reason or 'no file written'}"
        )
    return path


def write_summary(model, path) -> Path:
    """``model.summary()`` (a Keras model or a preset's name) as text at ``path`` with the
    suffix ``.txt``: every layer, nested models' too, its output shape and parameters;
    returns the path."""
    model = registry.build(model) if isinstance(model, str) else model
    lines = []
    model.summary(expand_nested=True, print_fn=lambda text, **_: lines.append(text))
    path = Path(path).with_suffix(".txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def draw_architecture(model, path) -> Path:
    """``plot_architecture`` with the layers of nested models, or where pydot or Graphviz
    is missing one line saying so and ``write_summary`` instead: the example scripts'
    architecture figures."""
    model = registry.build(model) if isinstance(model, str) else model
    try:
        return plot_architecture(model, path, expand_nested=True)
    except ImportError:
        written = write_summary(model, path)
        print(f"{model.name}: no pydot or Graphviz to draw it ({INSTALL}); as text: {written}")
        return written
