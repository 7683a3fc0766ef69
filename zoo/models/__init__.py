"""Functional-API builders, one module per family, and their presets (``presets/``)."""

from zoo.models import presets
from zoo.models.autoencoder import build_cae
from zoo.models.clock import build_clock
from zoo.models.cnn import build_cnn
from zoo.models.gan import GAN, build_gan
from zoo.models.mlp import build_mlp
from zoo.models.registry import register_presets
from zoo.models.resnet import build_resnet
from zoo.models.unet import build_unet
from zoo.models.vae import VAE, build_vae

for _builder, _table in (
    (build_mlp, presets.mlp.PRESETS),
    (build_cnn, presets.cnn.PRESETS),
    (build_resnet, presets.resnet.PRESETS),
    (build_clock, presets.clock.PRESETS),
    (build_cae, presets.autoencoder.PRESETS),
    (build_vae, presets.vae.PRESETS),
    (build_gan, presets.gan.PRESETS),
    (build_unet, presets.unet.PRESETS),
):
    register_presets(_builder, _table)

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
