"""The VAE preset (IDL A2 Section 3.2.1).

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

PRESETS = {
    "vae": {
        "description": "IDL A2's MNIST VAE: the CAE's four 3x3/2 convs (128), latent 32, one "
        "deconv.",
        "source": "IDL A2, Section 3.2.1 and Table 10 (latent 32, 20 epochs on MNIST)",
        "model": {
            "filters": (128, 128, 128, 128),
            "decoder_filters": (128,),
            "decoder_strides": (2,),
            "decoder_start_channels": 64,
        },
        # IDL A2 names no batch size: Keras's model.fit default, 32.
        "data": {"batch_size": 32},
        "fit": {"epochs": 20},
    }
}
