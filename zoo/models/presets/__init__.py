"""The presets as data, one module per family (``zoo.models`` registers them)."""

from zoo.models.presets import autoencoder, clock, cnn, gan, mlp, resnet, unet, vae

__all__ = ["autoencoder", "clock", "cnn", "gan", "mlp", "resnet", "unet", "vae"]
