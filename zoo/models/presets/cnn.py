"""CNN presets: the references' conv nets (Keras's mnist_cnn, IDL A2, CV1's LeNet-5,
COSC420 A1, KTH P3) and the zoo's Fashion-MNIST time-to-accuracy recipes.

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

from zoo.models.presets.mlp import (  # shared stages, the PyTorch references' layers
    CV1_DATA,
    CV1_FIT,
    IDL_DATA,
    IDL_FIT,
    MOVING_BN_STATISTICS,
    TORCH_LAYERS,
)

#: The Fashion-MNIST time-to-accuracy recipes' training: one-cycle AdamW, label smoothing.
RECIPE_FIT = {
    "optimizer": "adamw",
    "learning_rate": 3e-3,
    "weight_decay": 5e-4,
    "schedule": "onecycle",
    "label_smoothing": 0.1,
}
#: KTH P3's network (Figure 1); its variants change one part of it. The third conv has
#: no activation (Conv2d-7 goes straight to MaxPool2d-8), and Section 3.5 puts batch norm
#: "after each activation function".
KTH = {
    "input_shape": (32, 32, 3),
    "num_classes": 10,
    "filters": (24, 48, 96),
    "kernel_size": (5, 3, 3),
    "padding": "valid",
    "last_conv_activation": False,
    "dense_units": (512,),
    "batch_norm_position": "after_activation",
    **TORCH_LAYERS,
}
#: KTH P3's data (Section 1): inputs in [-0.5, 0.5]; unshuffled, as a PyTorch DataLoader
#: is by default (Section 4.3 tries shuffling as a variant).
KTH_DATA = {
    "batch_size": 64,
    "normalize": "centered",
    "shuffle": False,
    "validation": 0,  # Section 1: trained on all 50,000 training examples
}
#: KTH P3's training (Section 2.2): SGD at 0.001 for 300 epochs. It names no momentum:
#: PyTorch's SGD default, none.
KTH_FIT = {
    "optimizer": "sgd",
    "learning_rate": 1e-3,
    "momentum": 0.0,
    "epochs": 300,
    **MOVING_BN_STATISTICS,
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
        # IDL A2, Table 1: Keras's mnist_cnn trains on all 60,000 training images
        # (its validation data is the test set, which the zoo never validates on).
        "data": {"batch_size": 128, "validation": 0},
        # Adadelta() with Keras's defaults: learning rate 1e-3 (the example's older Keras
        # had 1.0; Table 1's 0.8891 after 12 epochs fits 1e-3), rho 0.95.
        "fit": {
            "optimizer": "adadelta",
            "learning_rate": 1e-3,
            "epochs": 12,
            **MOVING_BN_STATISTICS,
        },
    },
    "idl_baseline_cnn": {
        "description": "IDL A2's baseline: the course textbook's Fashion-MNIST CNN, 5 convs "
        "(64, 128, 128, 256, 256), dropout 0.5, Nadam.",
        "source": "IDL A2, Tables 5 and 8 (Baseline)",
        # The reference names the textbook's model without drawing it: this is the one of
        # Geron's Hands-On Machine Learning (2nd ed., ch. 14), compiled with
        # optimizer="nadam" (Keras's: learning rate 1e-3).
        "model": {
            "filters": (64, 128, 128, 256, 256),
            "kernel_size": (7, 3, 3, 3, 3),
            "pool_after": (True, False, True, False, True),
            "dense_units": (128, 64),
            "dense_dropout": 0.5,
        },
        "data": IDL_DATA,
        "fit": {"optimizer": "nadam", "learning_rate": 1e-3, **IDL_FIT},
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
        "data": IDL_DATA,
        # RMSprop with Keras's defaults (learning rate 1e-3, rho 0.9), as Table 7 says.
        "fit": {"optimizer": "rmsprop", "learning_rate": 1e-3, **IDL_FIT},
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
        "description": "LeNet-5 for 32x32x3 inputs: 5x5 tanh convs (6, 16, 120), avg-pools "
        "with sigmoid, dense 84 tanh.",
        "source": "CV1, Section 1.2 and Table 1",
        # Table 1's "Sigmoid & Tanh (LeNet-5)" placed as Lecun et al. (1998) do, whom the
        # reference cites for the details: tanh after C1, C3, C5 and F6, a sigmoid after
        # the S2 and S4 subsampling (here average pooling, without its trainable scale).
        "model": {
            **TORCH_LAYERS,
            "input_shape": (32, 32, 3),
            "num_classes": 100,
            "filters": (6, 16, 120),
            "kernel_size": 5,
            "padding": "valid",
            "pooling": "avg",
            "pool_after": (True, True, False),
            "activation": "tanh",
            "pool_activation": "sigmoid",
            "dense_units": (84,),
        },
        "data": CV1_DATA,
        "fit": CV1_FIT,
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
            **TORCH_LAYERS,
            "dense_units": (128, 512),
            "dense_batch_norm": (True, False),
        },
        # Section 2.3.1: every class topped up to the largest with augmented copies.
        "data": {"batch_size": 128, "balance": True},
        # Sections 2.4-2.5, Table 3: Adam at 1e-3 with weight decay 1e-3, 50 epochs, in
        # PyTorch: its weight decay is an L2 gradient on every parameter (adam_l2), its
        # Adam's epsilon 1e-8 (Keras's is 1e-7).
        "fit": {
            "optimizer": "adam_l2",
            "learning_rate": 1e-3,
            "weight_decay": 1e-3,
            "optimizer_options": {"epsilon": 1e-8},
            "epochs": 50,
            **MOVING_BN_STATISTICS,
        },
    },
    "kth_cnn": {
        "description": "KTH P3's default CIFAR-10 CNN: valid convs 24/48/96 (5, 3, 3), dense 512.",
        "source": "KTH P3, Figure 1",
        "model": KTH,
        "data": KTH_DATA,
        "fit": KTH_FIT,
    },
    "kth_cnn_best": {
        "description": "KTH P3's best variant: 64/128/256 filters, leaky ReLU, BN, dropout 0.3.",
        "source": "KTH P3, Section 4 (0.7487 average top-1 recall)",
        "model": {
            **KTH,
            "filters": (64, 128, 256),
            "activation": "leaky_relu",
            "dense_dropout": 0.3,
            # After each activation: the first two convs' and the first dense layer's.
            "batch_norm": (True, True, False),
            "dense_batch_norm": True,
        },
        "data": KTH_DATA,
        "fit": KTH_FIT,
    },
}
