"""CNN presets: the references' conv nets (Keras's mnist_cnn, IDL A2, CV1's LeNet-5,
COSC420 A1, KTH P3) and the zoo's Fashion-MNIST time-to-accuracy recipes.

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

from zoo.models.common import TORCH_BATCH_NORM_MOMENTUM  # the PyTorch references' BN

#: The Fashion-MNIST time-to-accuracy recipes' training: one-cycle AdamW, label smoothing.
RECIPE_FIT = {
    "optimizer": "adamw",
    "learning_rate": 3e-3,
    "weight_decay": 5e-4,
    "schedule": "onecycle",
    "label_smoothing": 0.1,
}
#: KTH P3's network (Figure 1); its variants change one part of it.
KTH = {
    "input_shape": (32, 32, 3),
    "num_classes": 10,
    "filters": (24, 48, 96),
    "kernel_size": (5, 3, 3),
    "padding": "valid",
    "dense_units": (512,),
    "batch_norm_momentum": TORCH_BATCH_NORM_MOMENTUM,
}

PRESETS = {
    "cnn": {"description": "CNN family: a conv stack from per-layer lists."},
    "keras_mnist_cnn": {
        "description": "Keras's classic mnist_cnn example: two 3x3 convs, max-pool, dense 128.",
        "source": "IDL A2, Table 1",
        "model": {
            "filters": (32, 64),
            "padding": "valid",
            "pool_after": (False, True),
            "conv_dropout": (0.0, 0.25),
            "dense_units": (128,),
            "dense_dropout": 0.5,
        },
        "data": {"batch_size": 128},
        "fit": {"optimizer": "adadelta", "learning_rate": 1.0, "epochs": 12},
    },
    "idl_fmnist_cnn": {
        "description": "IDL A2's best Fashion-MNIST CNN: 5 convs (32, 64, 64, 128, 128), "
        "dropout 0.1.",
        "source": "IDL A2, Tables 5-7",
        "model": {
            "filters": (32, 64, 64, 128, 128),
            "kernel_size": (7, 3, 3, 3, 3),
            "pool_after": (True, False, True, False, True),
            "dense_units": (128, 64),
            "dense_dropout": 0.1,
        },
        "data": {"batch_size": 128},
        "fit": {
            "optimizer": "rmsprop",
            "learning_rate": 1e-3,
            "epochs": 50,
            "early_stopping": 5,
        },
    },
    "fmnist_fast": {
        "description": "Time-to-accuracy CNN for 28x28 grey images: 3 BN convs (32-64-128), "
        "dense 256.",
        "source": "zoo recipe: BN, flips, one-cycle AdamW, label smoothing, flip at test time",
        "model": {
            "filters": (32, 64, 128),
            "dense_dropout": 0.2,
            "batch_norm": True,
            "dense_units": (256,),
        },
        "data": {"batch_size": 256, "augment": ["flip"]},
        "fit": {**RECIPE_FIT, "epochs": 16},
        "evaluate": {"flip": True},
    },
    "fmnist_long": {
        "description": "Longer Fashion-MNIST recipe: 6 BN convs (40-40-80-80-160-160), dense 256.",
        "source": "zoo recipe: fmnist_fast's, deeper and wider, with shifts and random erasing,"
        " 40 epochs",
        "model": {
            "filters": (40, 40, 80, 80, 160, 160),
            "pool_after": (False, True, False, True, False, True),
            "dense_dropout": 0.3,
            "batch_norm": True,
            "dense_units": (256,),
        },
        "data": {
            "batch_size": 256,
            "augment": {
                "flip": None,
                "affine": {"translate": 0.07, "zoom": 0, "shear": 0},
                "erasing": 0.5,
            },
        },
        "fit": {**RECIPE_FIT, "epochs": 40},
        "evaluate": {"flip": True},
    },
    "lenet5": {
        "description": "LeNet-5 for 32x32x3 inputs: 5x5 tanh convs (6, 16, 120), avg-pool, "
        "dense 84.",
        "source": "CV1, Section 1.2",
        "model": {
            "batch_norm_momentum": TORCH_BATCH_NORM_MOMENTUM,
            "input_shape": (32, 32, 3),
            "num_classes": 100,
            "filters": (6, 16, 120),
            "kernel_size": 5,
            "padding": "valid",
            "pooling": "avg",
            "pool_after": (True, True, False),
            "activation": "tanh",
            "dense_units": (84,),
        },
        "data": {"batch_size": 512},
        "fit": {"optimizer": "adamw", "learning_rate": 1e-3},
    },
    "cosc420_cnn": {
        "description": "COSC420 A1's flowers CNN at 96x96: 5 convs with BN, dense 128 (BN) and "
        "512.",
        "source": "COSC420 A1, Table 2",
        "model": {
            "input_shape": (96, 96, 3),
            "num_classes": 10,
            "filters": (16, 32, 64, 128, 256),
            "batch_norm": True,
            "batch_norm_momentum": TORCH_BATCH_NORM_MOMENTUM,
            "dense_units": (128, 512),
            "dense_batch_norm": (True, False),
        },
        "data": {"batch_size": 128},
        "fit": {"optimizer": "adamw", "learning_rate": 1e-3, "weight_decay": 1e-3},
    },
    "kth_cnn": {
        "description": "KTH P3's default CIFAR-10 CNN: valid convs 24/48/96 (5, 3, 3), dense 512.",
        "source": "KTH P3, Figure 1",
        "model": KTH,
        "data": {"batch_size": 64},
        "fit": {"optimizer": "sgd", "learning_rate": 1e-3},
    },
    "kth_cnn_best": {
        "description": "KTH P3's best variant: 64/128/256 filters, leaky ReLU, BN, dropout 0.3.",
        "source": "KTH P3, Section 4 (0.7487 average top-1 recall)",
        "model": {
            **KTH,
            "filters": (64, 128, 256),
            "activation": "leaky_relu",
            "batch_norm": True,
            "dense_dropout": 0.3,
        },
        "data": {"batch_size": 64},
        "fit": {"optimizer": "sgd", "learning_rate": 1e-3},
    },
}
