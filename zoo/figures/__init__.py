"""Every figure the zoo draws (``zoo.plots`` is this package): matplotlib, no display needed.

Each ``plot_*`` function returns its ``Figure`` and saves it when given a ``path``, with
``stamp=``, ``format=`` and ``dpi=`` (``save_figure``; ``figure_defaults`` for a block);
``plot_architecture`` draws a model with ``keras.utils.plot_model`` and returns the path.
"""

from zoo.figures.architecture import draw_architecture, plot_architecture, write_summary
from zoo.figures.plots import (
    DPI,
    FORMATS,
    figure_defaults,
    plot_clock_errors,
    plot_clock_predictions,
    plot_confusion_matrix,
    plot_histories,
    plot_history,
    plot_image_grid,
    plot_images,
    plot_per_class_accuracy,
    plot_predictions,
    plot_reconstructions,
    plot_results,
    plot_tsne,
    save_figure,
)

__all__ = [
    "DPI",
    "FORMATS",
    "draw_architecture",
    "figure_defaults",
    "plot_architecture",
    "plot_clock_errors",
    "plot_clock_predictions",
    "plot_confusion_matrix",
    "plot_histories",
    "plot_history",
    "plot_image_grid",
    "plot_images",
    "plot_per_class_accuracy",
    "plot_predictions",
    "plot_reconstructions",
    "plot_results",
    "plot_tsne",
    "save_figure",
    "write_summary",
]
