"""DCGAN presets (IDL A2 Sections 3.2.1-3.2.2).

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

from zoo.models.presets.mlp import MOVING_BN_STATISTICS

PRESETS = {
    "gan": {
        "description": "IDL A2's MNIST GAN: latent 256, one 3x3/2 deconv (128, BN), "
        "discriminator of four 3x3/2 convs (128).",
        "source": "IDL A2, Section 3.2.1 and Table 10 (latent 256, 20 epochs on MNIST)",
        # Section 3.2.1: "four Conv2D layers" down and "one Conv2DTranspose layer" up, the
        # networks its CAE and VAE share (3x3/2 convs of 128 filters; a 14x14x64 start).
        "model": {
            "generator_filters": (128,),
            "generator_start_channels": 64,
            "discriminator_filters": (128, 128, 128, 128),
            "kernel_size": 3,
        },
        # IDL A2 names no batch size: Keras's model.fit default, 32.
        "data": {"batch_size": 32},
        "fit": {"epochs": 20, **MOVING_BN_STATISTICS},
    },
    "gan64": {
        "description": "DCGAN for 64x64x3 (IDL A2's butterflies): latent 256, 256-128-64 deconvs.",
        "source": "IDL A2, Section 3.2.2 and Table 10 (250 epochs)",
        "model": {
            "input_shape": (64, 64, 3),
            "generator_filters": (256, 128, 64),
            "discriminator_filters": (64, 128, 256),
        },
        # IDL A2 names no batch size: Keras's model.fit default, 32.
        "data": {"batch_size": 32},
        "fit": {"epochs": 250, **MOVING_BN_STATISTICS},
    },
}
