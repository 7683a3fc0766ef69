"""What a report shows about an auto-encoder, VAE or GAN: reconstruction errors
(COSC420 A1, Table 8), latent traversals and walks (IDL A2, Figures 10-13), and sample grids.

    errors = zoo.generative.reconstruction_errors(cae, test_images, [0, 10, 20])
    print(errors.to_markdown())
    grid = zoo.generative.traverse(vae.decoder, coords=(9, 26))  # a 2-D sweep
    zoo.plots.plot_image_grid(grid, "vae_traversal.png")

Functions take Keras models and numpy arrays and return numpy arrays; the figures
are drawn by ``zoo.plots``. ``SampleGrid`` is a callback that saves a grid of
samples from fixed noise after every epoch.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import keras
import numpy as np

from zoo.figures import plots
from zoo.models import common
from zoo.models.common import sample_latent


@dataclasses.dataclass
class ReconstructionErrors:
    """Per-image mean and std of the squared pixel errors, and of all chosen images' pixels."""

    indices: list
    labels: list | None
    means: list
    stds: list
    overall_mean: float
    overall_std: float

    def rows(self) -> list[dict]:
        rows = []
        for i, (index, mean, std) in enumerate(zip(self.indices, self.means, self.stds)):
            row = {"index": index}
            if self.labels is not None:
                row["label"] = self.labels[i]
            rows.append({**row, "error_mean": mean, "error_std": std})
        return rows

    def to_markdown(self, digits: int = 4) -> str:
        label = self.labels is not None
        head = "| Image index |" + (" Label |" if label else "") + " Error mean | Error std |"
        lines = [head, "|" + "---|" * (4 if label else 3)]
        for row in self.rows():
            cells = [str(row["index"])] + ([str(row["label"])] if label else [])
            cells += [f"{row['error_mean']:.{digits}f}", f"{row['error_std']:.{digits}f}"]
            lines.append("| " + " | ".join(cells) + " |")
        cells = [f"All {len(self.indices)} images"] + ([""] if label else [])
        cells += [f"{self.overall_mean:.{digits}f}", f"{self.overall_std:.{digits}f}"]
        lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)


def reconstruct(model, images, *, batch_size: int = 256, verbose="auto") -> np.ndarray:
    """The model's reconstructions of ``images`` (a CAE, or a VAE, which decodes z_mean);
    ``verbose`` goes to ``model.predict``."""
    images = np.asarray(images)
    return np.asarray(model.predict(images, batch_size=batch_size, verbose=verbose))


def reconstruction_errors(
    model, images, indices=None, *, labels=None, batch_size: int = 256, verbose="auto"
) -> ReconstructionErrors:
    """COSC420 A1's Table 8: for each chosen image the mean and the standard deviation of
    its squared pixel errors ``(x - x_hat)**2`` (the mean is its MSE), then both over
    every pixel of the chosen images together. ``indices`` default to all images;
    ``verbose`` goes to ``model.predict``."""
    images = np.asarray(images)
    indices = list(range(len(images))) if indices is None else [int(i) for i in indices]
    bad = [i for i in indices if not -len(images) <= i < len(images)]
    if bad or not indices:
        raise ValueError(
            f"`indices` must pick images among the {len(images)} given. Received: indices={bad}"
        )
    chosen = images[indices]
    reconstructed = reconstruct(model, chosen, batch_size=batch_size, verbose=verbose)
    squared = (chosen.astype(np.float64) - reconstructed) ** 2
    flat = squared.reshape(len(chosen), -1)
    return ReconstructionErrors(
        indices=indices,
        labels=None if labels is None else [np.asarray(labels)[i].item() for i in indices],
        means=flat.mean(axis=1).tolist(),
        stds=flat.std(axis=1).tolist(),
        overall_mean=float(flat.mean()),
        overall_std=float(flat.std()),
    )


def mean_squared_error(model, images, *, batch_size: int = 256, verbose="auto") -> float:
    """Mean over all images and pixels of the squared reconstruction error (``verbose``
    goes to ``model.predict``)."""
    images = np.asarray(images)
    reconstructed = reconstruct(model, images, batch_size=batch_size, verbose=verbose)
    errors = (images.astype(np.float64) - reconstructed) ** 2
    return float(errors.mean())


def latent_shape(decoder) -> tuple:
    return tuple(decoder.input_shape[1:])


def decode(decoder, z, *, batch_size: int = 256) -> np.ndarray:
    return common.generate(decoder, z, batch_size=batch_size)


def traverse(decoder, coords, values=None, *, point=None, seed=0) -> np.ndarray:
    """Vary one or two latent coordinates of a point and decode (IDL A2, Figures 10-13).

    ``coords``: one index or two (0-based, into the flattened latent); ``values`` the
    values they take (default ``linspace(-3, 3, 8)``, the prior's bulk); ``point`` the
    latent point, default a standard-normal draw (``seed``). Returns images shaped
    ``(len(values), H, W, C)`` for one coordinate, ``(len(values), len(values), H, W, C)``
    for two (rows: the first coordinate).
    """
    shape = latent_shape(decoder)
    size = int(np.prod(shape))
    coords = (coords,) if isinstance(coords, (int, np.integer)) else tuple(coords)
    if not 1 <= len(coords) <= 2 or not all(isinstance(c, (int, np.integer)) for c in coords):
        raise ValueError(f"`coords` must be one or two latent indices. Received: coords={coords!r}")
    outside = [int(c) for c in coords if not 0 <= c < size]
    if outside:
        raise ValueError(
            f"Latent coordinate(s) {outside} outside the {size}-dimensional latent space "
            f"(indices 0..{size - 1}). Received: coords={coords!r}"
        )
    values = np.linspace(-3.0, 3.0, 8) if values is None else np.asarray(values, np.float32)
    if point is None:
        point = sample_latent(decoder, 1, seed)[0]
    point = np.asarray(point, np.float32).reshape(size)
    grid = np.stack(np.meshgrid(*([values] * len(coords)), indexing="ij"), axis=-1)
    grid = grid.reshape(-1, len(coords))
    z = np.repeat(point[None], len(grid), axis=0)
    z[:, list(coords)] = grid
    images = decode(decoder, z.reshape(-1, *shape))
    return images.reshape(*([len(values)] * len(coords)), *images.shape[1:])


def encode(encoder, images) -> np.ndarray:
    """Latent points of ``images``: the encoder's output, or a VAE encoder's ``z_mean``."""
    out = encoder.predict(np.asarray(images), verbose=0)
    return np.asarray(out[0] if isinstance(out, (list, tuple)) else out)


def walk(encoder, decoder, start, end, steps: int = 8) -> np.ndarray:
    """Decode ``steps`` points on the straight line between the latents of two images
    (both ends included). Returns ``(steps, H, W, C)``."""
    if not isinstance(steps, int) or steps < 2:
        raise ValueError(f"`steps` must be an integer >= 2. Received: steps={steps!r}")
    z = encode(encoder, np.stack([np.asarray(start), np.asarray(end)]))
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32).reshape(-1, *([1] * (z.ndim - 1)))
    return decode(decoder, (1 - t) * z[0] + t * z[1])


def generator_of(model) -> keras.Model:
    """The network that maps latent points to images: a GAN's generator or a decoder."""
    for name in ("generator", "decoder"):
        sub = getattr(model, name, None)
        if isinstance(sub, keras.Model):
            return sub
        if name in [layer.name for layer in getattr(model, "layers", [])]:
            return model.get_layer(name)
    raise ValueError(
        f"Model {getattr(model, 'name', model)!r} has no generator or decoder to sample from. "
        f"Received: {type(model).__name__}"
    )


class SampleGrid(keras.callbacks.Callback):
    """Save a grid of images decoded from the same ``n`` latent points after every
    ``every`` epochs, as ``directory/epoch_001.png`` and so on."""

    def __init__(self, directory, n: int = 16, *, seed=0, every: int = 1, ncols: int = 8):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"`every` must be an integer >= 1. Received: every={every!r}")
        self.directory = Path(directory)
        self.n, self.seed, self.every, self.ncols = n, seed, every, ncols
        self.paths: list[Path] = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        network = generator_of(self.model)
        z = sample_latent(network, self.n, self.seed)
        images = keras.ops.convert_to_numpy(network(z, training=False))
        path = self.directory / f"epoch_{epoch + 1:03d}.png"
        plots.plot_images(images, path=path, ncols=self.ncols)
        self.paths.append(path)
