"""Functional-API builders, one module per family; importing them registers the presets."""

from zoo.models.autoencoder import build_cae
from zoo.models.clock import build_clock
from zoo.models.cnn import build_cnn
from zoo.models.gan import GAN, build_gan
from zoo.models.mlp import build_mlp
from zoo.models.resnet import build_resnet
from zoo.models.unet import build_unet
from zoo.models.vae import VAE, build_vae

__all__ = [
    "GAN",
    "VAE",
    "build_cae",
    "build_clock",
    "build_cnn",
    "build_gan",
    "build_mlp",
    "build_resnet",
    "build_unet",
    "build_vae",
]
