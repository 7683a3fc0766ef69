"""MLP presets: Keras's mnist_mlp, IDL A2's best Fashion-MNIST MLP, CV1's CIFAR-100 MLP.

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

PRESETS = {
    "mlp": {"description": "MLP family: any depth and widths."},
    "keras_mnist_mlp": {
        "description": "Keras's classic mnist_mlp example: 512-512 ReLU with dropout 0.2.",
        "source": "IDL A2, Table 1",
        "model": {"hidden_units": (512, 512), "dropout": 0.2},
        "data": {"batch_size": 128},
        "fit": {"optimizer": "rmsprop", "learning_rate": 1e-3, "epochs": 20},
    },
    "idl_fmnist_mlp": {
        "description": "IDL A2's best Fashion-MNIST MLP: one 512 ReLU layer, dropout 0.3 (0.8919).",
        "source": "IDL A2, Tables 3-4",
        "model": {"hidden_units": (512,), "dropout": 0.3},
        "data": {"batch_size": 128},
        "fit": {"optimizer": "rmsprop", "learning_rate": 1e-3, "epochs": 50, "early_stopping": 5},
    },
    "cv1_mlp": {
        "description": "CV1's CIFAR-100 baseline MLP: one hidden layer of 1024 ReLU units.",
        "source": "CV1, Section 1.1",
        "model": {"input_shape": (32, 32, 3), "num_classes": 100, "hidden_units": (1024,)},
        "data": {"batch_size": 512},
        "fit": {"optimizer": "adamw", "learning_rate": 1e-3},
    },
}
