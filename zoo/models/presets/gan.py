"""DCGAN presets (IDL A2 Sections 3.2.1-3.2.2).

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

PRESETS = {
    "gan": {
        "description": "DCGAN for 28x28x1: latent 256, deconvs 128-64 (BN), discriminator 64-128.",
        "source": "IDL A2, Table 10 (latent 256, 20 epochs on MNIST)",
        "data": {"batch_size": 128},
        "fit": {"epochs": 20},
    },
    "gan64": {
        "description": "DCGAN for 64x64x3 (IDL A2's butterflies): latent 256, 256-128-64 deconvs.",
        "source": "IDL A2, Section 3.2.2 and Table 10 (250 epochs)",
        "model": {
            "input_shape": (64, 64, 3),
            "generator_filters": (256, 128, 64),
            "discriminator_filters": (64, 128, 256),
        },
        "data": {"batch_size": 64},
        "fit": {"epochs": 250},
    },
}
