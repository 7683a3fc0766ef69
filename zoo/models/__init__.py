"""Functional-API builders, one module per family; importing them registers the presets."""

from zoo.models.clock import build_clock
from zoo.models.cnn import build_cnn
from zoo.models.mlp import build_mlp
from zoo.models.resnet import build_resnet

__all__ = [
    "build_clock",
    "build_cnn",
    "build_mlp",
    "build_resnet",
]
