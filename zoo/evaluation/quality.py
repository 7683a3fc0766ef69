"""Sample quality that needs no download: Fréchet distance and an inception-style score
measured with a zoo classifier trained on the same dataset.

    classifier = zoo.build("idl_fmnist_cnn")   # trained on Fashion-MNIST first
    q = zoo.quality.score(classifier, real_test_images, vae.generate(5000))
    print(q)   # Fréchet 12.3 (real-vs-real floor 0.9), inception-style 7.1 (real 8.9)

FID proper uses Inception-v3's ImageNet features, which cannot be downloaded here;
these numbers use the classifier's penultimate layer (the input of its ``head``)
instead, so they compare generators scored with one classifier only. The floor is
the distance between two disjoint halves of the real images, with the same sample
size as the generated set is scored with: no generator can be expected below it.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np


def feature_model(classifier: keras.Model, layer=None) -> keras.Model:
    """``images -> features``: the input of the classifier's ``head`` layer, or the output
    of ``layer`` (a name or index) when given."""
    names = [lay.name for lay in classifier.layers]
    if layer is None:
        if "head" not in names:
            raise ValueError(
                f"Model {classifier.name!r} has no layer named 'head' (zoo classifiers end in "
                f"one); pass layer=... Its layers: {names}. Received: layer=None"
            )
        output = classifier.get_layer("head").input
    elif isinstance(layer, int) and -len(names) <= layer < len(names):
        output = classifier.layers[layer].output
    elif layer in names:
        output = classifier.get_layer(layer).output
    else:
        raise ValueError(f"Model {classifier.name!r} has no layer {layer!r}: {names}.")
    return keras.Model(classifier.inputs, output, name=f"{classifier.name}_features")


def features(
    classifier, images, *, layer=None, batch_size: int = 256, verbose="auto"
) -> np.ndarray:
    """Penultimate-layer features of ``images`` as a float64 (n, d) array (``verbose``
    goes to ``model.predict``)."""
    images = _check_images(classifier, images, "images")
    return _features(feature_model(classifier, layer), images, batch_size, verbose)


def _features(extractor, images, batch_size, verbose):
    out = extractor.predict(images, batch_size=batch_size, verbose=verbose)
    return np.asarray(out, np.float64).reshape(len(images), -1)


def gaussian_frechet_distance(mean1, cov1, mean2, cov2) -> float:
    """``|m1 - m2|^2 + tr(C1 + C2 - 2 (C1 C2)^(1/2))``, the Fréchet distance of two Gaussians.

    The trace of the matrix square root is computed as the sum of the square roots of
    the eigenvalues of the symmetric ``C1^(1/2) C2 C1^(1/2)``, which has the same
    spectrum as ``C1 C2`` and, unlike ``scipy.linalg.sqrtm``, never turns complex.
    """
    mean1, mean2 = np.atleast_1d(mean1), np.atleast_1d(mean2)
    cov1, cov2 = np.atleast_2d(cov1), np.atleast_2d(cov2)
    if mean1.shape != mean2.shape or cov1.shape != cov2.shape or cov1.shape != 2 * mean1.shape:
        raise ValueError(
            "Means must be (d,) and covariances (d, d) with one d. Received: "
            f"{mean1.shape}, {cov1.shape}, {mean2.shape}, {cov2.shape}"
        )
    values, vectors = np.linalg.eigh((cov1 + cov1.T) / 2)
    root1 = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = root1 @ cov2 @ root1
    trace_root = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    diff = mean1 - mean2
    distance = diff @ diff + np.trace(cov1) + np.trace(cov2) - 2 * trace_root
    return float(max(distance, 0.0))


def frechet_distance(real_features, fake_features) -> float:
    """Fréchet distance between Gaussians fitted to two (n, d) feature sets."""
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(
            "Features must be two (n, d) arrays with the same d. "
            f"Received: shapes {real.shape} and {fake.shape}"
        )
    if min(len(real), len(fake)) < 2:
        raise ValueError(f"Need at least 2 examples per set. Received: {len(real)} and {len(fake)}")
    return gaussian_frechet_distance(
        real.mean(0), np.cov(real, rowvar=False), fake.mean(0), np.cov(fake, rowvar=False)
    )


def inception_score(classifier, images, *, batch_size: int = 256, verbose="auto") -> float:
    """``exp(E_x KL(p(y|x) || p(y)))`` with the classifier's class probabilities: 1 when it
    sees every image alike, the number of classes when each is confident and the classes
    are balanced. ``verbose`` goes to ``model.predict``."""
    images = _check_images(classifier, images, "images")
    outputs = np.asarray(classifier.predict(images, batch_size=batch_size, verbose=verbose))
    return inception_score_from_probabilities(_probabilities(classifier, outputs))


def inception_score_from_probabilities(probabilities) -> float:
    p = np.clip(np.asarray(probabilities, np.float64), 1e-12, 1.0)
    p = p / p.sum(axis=1, keepdims=True)
    marginal = p.mean(axis=0, keepdims=True)
    kl = (p * (np.log(p) - np.log(marginal))).sum(axis=1)
    return float(np.exp(kl.mean()))


@dataclasses.dataclass
class Quality:
    """Fréchet distance of the generated images to real ones, its real-vs-real floor, and
    the inception-style scores of the generated and the real images."""

    frechet: float
    frechet_floor: float
    inception: float
    inception_real: float
    samples: int

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        return (
            f"Fréchet {self.frechet:.3f} (real-vs-real floor {self.frechet_floor:.3f}), "
            f"inception-style {self.inception:.3f} (real {self.inception_real:.3f}), "
            f"{self.samples} samples each"
        )


def score(classifier, real, fake, *, layer=None, seed=0, batch_size: int = 256, verbose="auto"):
    """Score generated images ``fake`` against ``real`` ones (arrays of images).

    ``real`` is shuffled (``seed``) and split in two disjoint halves A and B: the floor
    is ``FD(A, B)`` and the score ``FD(A, fake)``, with ``fake`` and B cut to the same
    size, so both distances have the same sample-size bias.

    ``fake`` may be a dict of several generators' images: each is then scored against
    the same A and B (the real features and the floor are computed once, at the
    smallest set's size) and a dict of ``Quality`` comes back. ``verbose`` goes to each
    ``model.predict``: a bar per pass over a set of images unless 0.
    """
    fakes = fake if isinstance(fake, dict) else {None: fake}
    real = _check_images(classifier, real, "real")
    fakes = {name: _check_images(classifier, images, "fake") for name, images in fakes.items()}
    if not fakes or len(real) < 4 or min(len(images) for images in fakes.values()) < 2:
        sizes = [len(images) for images in fakes.values()]
        raise ValueError(
            f"Need at least 4 real and 2 generated images. Received: {len(real)} and {sizes}"
        )
    real = real[np.random.default_rng(seed).permutation(len(real))]
    half = len(real) // 2
    n = min(len(real) - half, *(len(images) for images in fakes.values()))
    extractor = feature_model(classifier, layer)
    f_real = _features(extractor, real[: half + n], batch_size, verbose)
    a, b = f_real[:half], f_real[half:]
    floor = frechet_distance(a, b)
    inception_real = inception_score(
        classifier, real[half : half + n], batch_size=batch_size, verbose=verbose
    )
    scores = {
        name: Quality(
            frechet=frechet_distance(a, _features(extractor, images[:n], batch_size, verbose)),
            frechet_floor=floor,
            inception=inception_score(
                classifier, images[:n], batch_size=batch_size, verbose=verbose
            ),
            inception_real=inception_real,
            samples=n,
        )
        for name, images in fakes.items()
    }
    return scores if isinstance(fake, dict) else scores[None]


def _probabilities(classifier, outputs):
    head = next((lay for lay in classifier.layers if lay.name == "head"), classifier.layers[-1])
    if getattr(head, "activation", None) is keras.activations.softmax:
        return outputs
    shifted = outputs - outputs.max(axis=1, keepdims=True)  # logits
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _check_images(classifier, images, name):
    images = np.asarray(images, np.float32)
    expected = tuple(classifier.input_shape[1:])
    if images.shape[1:] != expected:
        raise ValueError(
            f"`{name}` must be images of the classifier's input shape {expected}. "
            f"Received: {name}.shape={images.shape}"
        )
    return images
