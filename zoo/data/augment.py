"""Named image augmentations built from Keras 3 preprocessing layers.

The layers run inside tf.data on any backend, on batches of float images in
0..255 (before normalization), so ``value_range`` is always (0, 255).
Keras 3.15 has no RandomResizedCrop: ``random_resized_crop`` zooms in by a random
amount, independently in height and width (so the aspect ratio varies too).
"""

import keras

from zoo.errors import did_you_mean

#: How the geometric layers fill what they uncover and sample pixels: Keras's defaults.
#: torchvision's RandomRotation and RandomAffine fill with 0 and take the nearest pixel:
#: ``TORCH_FILL``, for the references written in PyTorch.
KERAS_FILL = {"fill_mode": "reflect", "interpolation": "bilinear"}
TORCH_FILL = {"fill_mode": "constant", "interpolation": "nearest"}
# name -> default options. A number given for a name sets its STRENGTH options.
DEFAULTS = {
    "flip": {"mode": "horizontal"},
    "rotation": {"factor": 0.05, **KERAS_FILL},  # Fraction of a full turn: +-18 degrees.
    "affine": {"translate": 0.1, "zoom": 0.1, "shear": 0.1, **KERAS_FILL},
    "color_jitter": {"brightness": 0.2, "contrast": 0.2, "saturation": 0.2, "hue": 0.05},
    "random_resized_crop": {"zoom": 0.3},
    # Random erasing (Zhong et al. 2017): with this probability, a patch of 2-33% of the
    # image is filled with noise.
    "erasing": {"probability": 0.5, "scale": (0.02, 0.33)},
}
STRENGTH = {
    "rotation": ("factor",),
    "affine": ("translate", "zoom", "shear"),
    "color_jitter": ("brightness", "contrast", "saturation"),
    "random_resized_crop": ("zoom",),
    "erasing": ("probability",),
}
NAMES = tuple(DEFAULTS)
BALANCE_DEFAULT = ("flip", "rotation", "affine", "color_jitter")
_RANGE = (0, 255)


def _check_name(name) -> str:
    if name in DEFAULTS:
        return name
    raise ValueError(
        f"Unknown augmentation.{did_you_mean(name, NAMES)} Available: {', '.join(NAMES)}. "
        f"Received: {name!r}"
    )


def parse(augment) -> dict[str, dict]:
    """Turn a list of names, or a dict name -> strength / options, into name -> options."""
    if augment is None:
        return {}
    if isinstance(augment, str):
        augment = [augment]
    if not isinstance(augment, dict):
        augment = {name: None for name in augment}
    specs = {}
    for name, value in augment.items():
        options = dict(DEFAULTS[_check_name(name)])
        if isinstance(value, dict):
            unknown = set(value) - set(options)
            if unknown:
                raise ValueError(
                    f"Unknown options for augmentation '{name}'; it takes "
                    f"{', '.join(options)}. Received: {sorted(unknown)}"
                )
            options.update(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if name not in STRENGTH:
                raise ValueError(
                    f"Augmentation '{name}' has no strength; pass a dict of options "
                    f"({', '.join(options)}). Received: {value!r}"
                )
            options.update({key: float(value) for key in STRENGTH[name]})
        elif value not in (None, True):
            raise ValueError(
                f"Augmentation '{name}' takes None, a strength or a dict of options. "
                f"Received: {value!r}"
            )
        specs[name] = options
    return specs


def _affine(translate, zoom, shear, fill_mode, interpolation, seed):
    """The three transforms, leaving out those of strength 0 (``{"zoom": 0}``: shifts only)."""
    offset = (lambda i: None) if seed is None else (lambda i: seed + i)
    fill = {"fill_mode": fill_mode, "interpolation": interpolation}
    out = []
    if translate:
        out.append(keras.layers.RandomTranslation(translate, translate, seed=offset(0), **fill))
    if zoom:
        out.append(keras.layers.RandomZoom(zoom, seed=offset(1), **fill))
    if shear:
        out.append(keras.layers.RandomShear(shear, shear, seed=offset(2), **fill))
    return out


def _color_jitter(brightness, contrast, saturation, hue, seed, channels):
    if channels == 3:
        # RandomSaturation's no-op is 0.5, and a single number s means (0, s).
        saturation = (0.5 - saturation / 2, 0.5 + saturation / 2) if saturation else None
        return [
            keras.layers.RandomColorJitter(
                _RANGE, brightness, contrast, saturation, hue or None, seed=seed
            )
        ]
    return [  # Saturation and hue need colour.
        keras.layers.RandomBrightness(brightness, _RANGE, seed=seed),
        keras.layers.RandomContrast(contrast, _RANGE, seed=None if seed is None else seed + 1),
    ]


def layers(specs: dict[str, dict], *, channels: int, seed=None) -> list[keras.layers.Layer]:
    """The Keras layers for parsed ``specs``, each seeded from ``seed`` when given."""
    out = []
    for i, (name, o) in enumerate(specs.items()):
        s = None if seed is None else seed * 101 + 10 * i
        if name == "flip":
            out.append(keras.layers.RandomFlip(o["mode"], seed=s))
        elif name == "rotation":
            fill = {"fill_mode": o["fill_mode"], "interpolation": o["interpolation"]}
            out.append(keras.layers.RandomRotation(o["factor"], seed=s, **fill))
        elif name == "affine":
            out.extend(_affine(**o, seed=s))
        elif name == "color_jitter":
            out.extend(_color_jitter(**o, seed=s, channels=channels))
        elif name == "random_resized_crop":
            out.append(keras.layers.RandomZoom((-o["zoom"], 0.0), (-o["zoom"], 0.0), seed=s))
        elif name == "erasing":
            p = o["probability"]
            out.append(keras.layers.RandomErasing((p, p), o["scale"], value_range=_RANGE, seed=s))
    return out


def sharpener(factor) -> keras.layers.Layer | None:
    """torchvision's ``adjust_sharpness(image, factor)`` as a layer, for every split alike
    (None for ``factor`` None or 1): 0 blurs, 1 keeps the image, 2 sharpens it. Keras's
    RandomSharpness blends with the same 3x3 smoothing kernel by ``factor / 2``, and at a
    fixed factor draws nothing; unlike torchvision it smooths the border pixels too."""
    if factor is None:
        return None
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 2:
        raise ValueError(
            "sharpen is torchvision's sharpness factor, a number in [0, 2] (1 leaves the "
            f"images as they are). Received: sharpen={factor!r}"
        )
    if factor == 1:
        return None
    return keras.layers.RandomSharpness((factor / 2, factor / 2), value_range=_RANGE)


def apply(images, augmenters):
    """Run ``augmenters`` on a batch of images (inside tf.data)."""
    for layer in augmenters:
        images = layer(images, training=True)
    return images
