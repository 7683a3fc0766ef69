"""Convolutional auto-encoder presets (COSC420 A1 Tables 6-7, IDL A2 Section 3.2.1).

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

PRESETS = {
    "cae": {"description": "Convolutional auto-encoder family: strided convs, transposed."},
    "cosc420_cae": {
        "description": "COSC420 A1's CAE: 3x3/2 convs 16-32-64 to a 12x12x64 latent and back to"
        " 96x96x3.",
        "source": "COSC420 A1, Tables 6-7 (47,107 parameters)",
        "model": {
            "input_shape": (96, 96, 3),
            "filters": (16, 32, 64),
            # PyTorch's nn.Conv2d/ConvTranspose2d defaults: the reference names none.
            "kernel_initializer": "torch",
        },
        "data": {"batch_size": 16},
        # Section 3.1 gives the learning rate, batch size, 150 epochs and MSE; Adam is
        # carried over from Task 1 (Section 2.5.3), as PyTorch has no default optimizer.
        # The epsilon is PyTorch's Adam's (Keras's is 1e-7).
        "fit": {
            "optimizer": "adam",
            "learning_rate": 1e-4,
            "optimizer_options": {"epsilon": 1e-8},
            "epochs": 150,
            "loss": "mse",
        },
    },
    "idl_mnist_cae": {
        "description": "IDL A2's MNIST CAE: four 3x3/2 convs (128), dense latent 32, one deconv.",
        "source": "IDL A2, Section 3.2.1 and Table 10 (latent 32, 10 epochs)",
        "model": {
            "input_shape": (28, 28, 1),
            "filters": (128, 128, 128, 128),
            "latent_dim": 32,
            "latent_activation": "sigmoid",
            "decoder_filters": (128,),
            "decoder_strides": (2,),
            "decoder_start_channels": 64,
            "output_conv": True,
        },
        # IDL A2 names no batch size: Keras's model.fit default, 32.
        "data": {"batch_size": 32},
        "fit": {
            "optimizer": "adam",
            "learning_rate": 1e-3,
            "epochs": 10,
            "loss": "binary_crossentropy",
        },
    },
}
