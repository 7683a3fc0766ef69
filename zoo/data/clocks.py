"""Synthetic analog clocks, rendered with Pillow, as a tfds dataset named ``clocks``.

IDL A2 reads the time from 18,000 150x150 grayscale clock images that cannot be
downloaded here, so the zoo draws its own: any number, any size, the same images
for the same seed. Every image gets its own face shape and size, tick marks and
numerals or not, hand lengths, widths and shades, a rotation and shift of the
whole clock, background clutter, blur and noise (and, in the hard set, a second
hand to ignore).

Labels: ``hour`` (0-11), ``minute`` (0-59), ``label`` (the minute of the dial,
0-719) and ``time``, the exact time in minutes past 12:00 (a float in [0, 720)),
which the hands show. ``zoo.data.load("clocks", ...)`` yields ``(image, time)``.

Configs: ``clocks`` (64x64, the default for CPUs), ``clocks/large`` (the same with
57,600 training images; its first 14,400, validation and test splits are the default's
own, as they share a seed), ``clocks/hard`` (more rotation,
clutter, noise and blur, hands closer in length, a second hand on 60% of clocks),
``clocks/original`` (150x150 like the original set) and ``clocks/tiny`` (32x32, a
few hundred images for smoke runs). ``render(times, ...)`` draws clocks straight to numpy.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import tensorflow_datasets as tfds
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DIAL_MINUTES = 720
MIN_IMAGE_SIZE = 24  # below this the minute marks and hands blur into each other
_SPLITS = ("train", "validation", "test")


@dataclasses.dataclass(frozen=True)
class Style:
    """How varied and how hard the clocks are; every range is (low, high)."""

    max_rotation: float = 15.0  # degrees, of the whole clock
    max_shift: float = 0.06  # of the image size
    radius: tuple = (0.36, 0.47)  # of the image size
    clutter: tuple = (0, 4)  # background shapes
    second_hand: float = 0.0  # probability of a distracting second hand
    blur: tuple = (0.0, 0.5)  # Gaussian radius in output pixels
    noise: tuple = (0.0, 0.03)  # std of Gaussian noise in [0, 1] units
    hand_gap: float = 0.2  # minimum minute-minus-hour hand length, of the radius
    contrast: tuple = (0.55, 1.0)  # face-to-hand brightness difference

    def __post_init__(self):
        if not 0 <= self.max_rotation <= 180:
            raise ValueError(f"max_rotation must be in [0, 180]. Received: {self.max_rotation}")
        if not 0.05 <= self.hand_gap <= 0.5:
            raise ValueError(f"hand_gap must be in [0.05, 0.5]. Received: {self.hand_gap}")


DEFAULT = Style()
HARD = Style(
    max_rotation=45.0,
    max_shift=0.1,
    radius=(0.3, 0.48),
    clutter=(3, 12),
    second_hand=0.6,
    blur=(0.3, 1.1),
    noise=(0.02, 0.09),
    hand_gap=0.1,
    contrast=(0.3, 0.9),
)


class ClocksConfig(tfds.core.BuilderConfig):
    """Image size, split sizes, random seed and style of one clock set."""

    def __init__(
        self, *, image_size=64, splits=(14_400, 1_800, 1_800), seed=0, style=DEFAULT, **kw
    ):
        super().__init__(**kw)
        self.image_size = check_image_size(image_size)
        if len(splits) != 3 or not all(isinstance(n, int) and n > 0 for n in splits):
            raise ValueError(
                f"splits must be three positive sizes (train, validation, test). Received: {splits}"
            )
        self.splits = dict(zip(_SPLITS, splits))
        self.seed = seed
        self.style = style


def check_image_size(image_size) -> int:
    if not isinstance(image_size, int) or image_size < MIN_IMAGE_SIZE:
        raise ValueError(
            f"image_size must be an integer >= {MIN_IMAGE_SIZE}: a smaller clock has no readable "
            f"minute hand. Received: image_size={image_size!r}"
        )
    return image_size


class Clocks(tfds.core.GeneratorBasedBuilder):
    """Analog clocks with their time; see the module docstring."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "Pillow-rendered analog clocks, four configs."}
    BUILDER_CONFIGS = [
        ClocksConfig(name="default", description="64x64, 18,000 clocks, moderate variety."),
        ClocksConfig(
            name="large",
            description="The default clocks with 4x the training images (same test split).",
            splits=(57_600, 1_800, 1_800),
        ),
        ClocksConfig(
            name="hard",
            description="64x64, 18,000 clocks: more rotation, clutter, noise and blur.",
            seed=1,
            style=HARD,
        ),
        ClocksConfig(
            name="original",
            description="150x150 like IDL A2's set, 18,000 clocks.",
            image_size=150,
            seed=2,
        ),
        ClocksConfig(
            name="tiny",
            description="32x32, 640 clocks, for smoke runs.",
            image_size=32,
            splits=(512, 64, 64),
            seed=3,
        ),
    ]

    def _info(self) -> tfds.core.DatasetInfo:
        size = self.builder_config.image_size
        return tfds.core.DatasetInfo(
            builder=self,
            description=__doc__.split("\n\n")[0],
            features=tfds.features.FeaturesDict(
                {
                    "image": tfds.features.Image(shape=(size, size, 1)),
                    "hour": tfds.features.ClassLabel(num_classes=12),
                    "minute": tfds.features.ClassLabel(num_classes=60),
                    "label": tfds.features.ClassLabel(names=time_names()),
                    "time": tfds.features.Scalar(dtype=np.float32),
                }
            ),
            supervised_keys=("image", "time"),
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # Nothing to download.
        return {split: self._generate_examples(split) for split in self.builder_config.splits}

    def _generate_examples(self, split):
        config = self.builder_config
        n = config.splits[split]
        seed = (config.seed, _SPLITS.index(split))
        times = np.random.default_rng(seed).uniform(0, DIAL_MINUTES, n)
        for i, t in enumerate(times):
            image = _render_one(
                t, np.random.default_rng((*seed, i)), config.image_size, config.style
            )
            minute_of_dial = int(t)
            yield (
                i,
                {
                    "image": image[..., None],
                    "hour": minute_of_dial // 60,
                    "minute": minute_of_dial % 60,
                    "label": minute_of_dial,
                    "time": np.float32(t),
                },
            )


def time_names() -> list[str]:
    """ "12:00", "12:01", ... "11:59": the 720 minutes of the dial, as a clock shows them."""
    return [f"{(m // 60) or 12}:{m % 60:02d}" for m in range(DIAL_MINUTES)]


def render(times, *, image_size: int = 64, seed: int = 0, style: Style = DEFAULT) -> np.ndarray:
    """Clocks showing ``times`` (minutes past 12:00), as uint8 images of shape (N, H, W, 1).

    The same times, size, seed and style give the same images.
    """
    check_image_size(image_size)
    times = np.asarray(times, dtype=np.float64).reshape(-1)
    if np.any((times < 0) | (times >= DIAL_MINUTES)) or not np.all(np.isfinite(times)):
        raise ValueError(
            f"times must be minutes in [0, {DIAL_MINUTES}). Received: min={times.min()}, "
            f"max={times.max()}"
        )
    images = [
        _render_one(t, np.random.default_rng((seed, 9, i)), image_size, style)
        for i, t in enumerate(times)
    ]
    return np.stack(images)[..., None]


_SUPERSAMPLE = 3
_FONTS: dict = {}


def _font(size: int):
    if size not in _FONTS:
        _FONTS[size] = ImageFont.load_default(size=size)
    return _FONTS[size]


def _render_one(t: float, rng: np.random.Generator, image_size: int, style: Style) -> np.ndarray:
    """One clock showing ``t`` minutes past 12:00, as a uint8 (H, W) array."""
    s = image_size * _SUPERSAMPLE
    background = rng.uniform(0.0, 1.0)
    image = Image.new("L", (s, s), _gray(background))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.integers(style.clutter[0], style.clutter[1] + 1)):
        _clutter(draw, rng, s)

    r = rng.uniform(*style.radius) * s
    cx, cy = s / 2 + rng.uniform(-1, 1, 2) * style.max_shift * s
    light_face = rng.uniform() < 0.8
    contrast = rng.uniform(*style.contrast)
    face = rng.uniform(0.75, 1.0) if light_face else rng.uniform(0.0, 0.25)
    ink = face - contrast if light_face else face + contrast
    rim = rng.uniform(0.01, 0.05) * r

    shape = rng.choice(["circle", "circle", "square", "octagon"])
    if shape == "circle":
        draw.ellipse(
            [cx - r, cy - r, cx + r, cy + r],
            fill=_gray(face),
            outline=_gray(ink),
            width=max(1, round(rim)),
        )
    else:
        corners = 4 if shape == "square" else 8
        start = math.pi / corners
        points = [
            (
                cx + r * math.cos(start + 2 * math.pi * k / corners),
                cy + r * math.sin(start + 2 * math.pi * k / corners),
            )
            for k in range(corners)
        ]
        draw.polygon(points, fill=_gray(face), outline=_gray(ink), width=max(1, round(rim)))

    ticks = rng.choice([0, 12, 60])
    numerals = rng.choice([0, 4, 12])
    if ticks == 0 and numerals == 0:
        rotation = 0.0  # nothing on the face would say where 12 is
    else:
        rotation = math.radians(rng.uniform(-1, 1) * style.max_rotation)
    if rotation and abs(rotation) > math.radians(14) and numerals == 0:
        _marker_at_twelve(draw, cx, cy, r, rotation, ink)

    inner = 0.9 * r
    for k in range(ticks):
        major = k % (ticks // 12) == 0
        length = (0.14 if major else 0.06) * r
        width = (0.045 if major else 0.018) * r
        a = rotation + 2 * math.pi * k / ticks
        _line(draw, cx, cy, a, inner - length, inner, width, ink)
    if numerals:
        font = _font(max(6, round(rng.uniform(0.16, 0.24) * r)))
        for k in range(0, 12, 12 // numerals):
            a = rotation + 2 * math.pi * k / 12
            d = inner - (0.3 if ticks else 0.12) * r
            x, y = cx + d * math.sin(a), cy - d * math.cos(a)
            draw.text((x, y), str(k or 12), fill=_gray(ink), font=font, anchor="mm")

    minute_length = rng.uniform(0.72, 0.9) * r
    hour_length = rng.uniform(0.4, minute_length / r - style.hand_gap) * r
    hour_width = rng.uniform(0.06, 0.11) * r
    minute_width = rng.uniform(0.03, min(0.07, hour_width / r)) * r
    hand_ink = ink + rng.uniform(-0.1, 0.1)
    hour_angle = rotation + 2 * math.pi * t / DIAL_MINUTES
    minute_angle = rotation + 2 * math.pi * (t % 60) / 60
    tail = rng.uniform(0.0, 0.2)
    _line(draw, cx, cy, hour_angle, -tail * r, hour_length, hour_width, hand_ink)
    _line(draw, cx, cy, minute_angle, -tail * r, minute_length, minute_width, hand_ink)
    if rng.uniform() < style.second_hand:
        second_angle = rotation + rng.uniform(0, 2 * math.pi)
        second_ink = ink + rng.uniform(-0.25, 0.25) * contrast
        _line(draw, cx, cy, second_angle, -0.2 * r, 0.95 * inner, 0.012 * r, second_ink)
    cap = rng.uniform(0.04, 0.09) * r
    draw.ellipse([cx - cap, cy - cap, cx + cap, cy + cap], fill=_gray(hand_ink))

    image = image.resize((image_size, image_size), Image.Resampling.BOX)
    blur = rng.uniform(*style.blur)
    if blur > 0.05:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(image, np.float32) / 255.0
    pixels = pixels + rng.normal(0.0, rng.uniform(*style.noise), pixels.shape)
    return np.clip(np.round(pixels * 255.0), 0, 255).astype(np.uint8)


def _gray(value: float) -> int:
    return int(np.clip(round(value * 255), 0, 255))


def _line(draw, cx, cy, angle, start, end, width, ink):
    """A stroke along ``angle`` (clockwise from 12) from radius ``start`` to ``end``."""
    dx, dy = math.sin(angle), -math.cos(angle)
    points = [(cx + start * dx, cy + start * dy), (cx + end * dx, cy + end * dy)]
    w = max(1, round(width))
    draw.line(points, fill=_gray(ink), width=w)
    for x, y in points:  # round ends
        draw.ellipse([x - w / 2, y - w / 2, x + w / 2, y + w / 2], fill=_gray(ink))


def _marker_at_twelve(draw, cx, cy, r, rotation, ink):
    """A triangle at 12 o'clock, so a strongly rotated face without numerals stays readable."""
    tip, base, half = 0.72 * r, 0.9 * r, 0.09 * r
    dx, dy = math.sin(rotation), -math.cos(rotation)
    px, py = -dy, dx
    points = [
        (cx + tip * dx, cy + tip * dy),
        (cx + base * dx + half * px, cy + base * dy + half * py),
        (cx + base * dx - half * px, cy + base * dy - half * py),
    ]
    draw.polygon(points, fill=_gray(ink))


def _clutter(draw, rng, s):
    """A random line, rectangle or ellipse outline somewhere in the background."""
    x0, y0, x1, y1 = rng.uniform(0, s, 4)
    box = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
    shade = _gray(rng.uniform())
    width = max(1, round(rng.uniform(0.005, 0.03) * s))
    kind = rng.integers(3)
    if kind == 0:
        draw.line([(x0, y0), (x1, y1)], fill=shade, width=width)
    elif kind == 1:
        draw.rectangle(box, outline=shade, width=width)
    else:
        draw.ellipse(box, outline=shade, width=width)
