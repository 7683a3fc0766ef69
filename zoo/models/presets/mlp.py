"""MLP presets: Keras's mnist_mlp, IDL A2's textbook baseline and best Fashion-MNIST MLP,
CV1's CIFAR-100 MLPs (baseline and tuned).

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

from zoo.data.augment import TORCH_FILL
from zoo.models.common import TORCH_BATCH_NORM_EPSILON, TORCH_BATCH_NORM_MOMENTUM

#: The references written in PyTorch name neither their batch norm's settings nor their
#: layers' initialisation, so both are PyTorch's defaults: BatchNorm2d's momentum and eps,
#: nn.Linear's and nn.Conv2d's weights and biases (Keras's: 0.99, 1e-3, Glorot, zeros).
TORCH_BATCH_NORM = {
    "batch_norm_momentum": TORCH_BATCH_NORM_MOMENTUM,
    "batch_norm_epsilon": TORCH_BATCH_NORM_EPSILON,
}
TORCH_LAYERS = {**TORCH_BATCH_NORM, "kernel_initializer": "torch"}
#: zoo.fit recomputes the batch-norm statistics after every epoch (``precise_bn``); no
#: reference does, so their presets keep the moving averages of Keras and PyTorch alike.
MOVING_BN_STATISTICS = {"precise_bn": None}

#: IDL A2 trains its Fashion-MNIST models for at most 50 epochs with early stopping and
#: names neither a batch size nor a patience, so both are Keras's: model.fit's batch of 32
#: and EarlyStopping()'s patience 0, which stops at the first epoch without a better
#: validation loss, as zoo.fit's ``early_stopping=1`` does.
IDL_FIT = {"epochs": 50, "early_stopping": 1, **MOVING_BN_STATISTICS}
IDL_DATA = {"batch_size": 32}

#: CV1's baseline training (Table 1): AdamW at 1e-3, weight decay 1.0, 100 epochs.
#: Table 2's betas (0.9, 0.999) are Keras's; the reference gives no epsilon, so it is
#: PyTorch's (1e-8; Keras's is 1e-7).
CV1_FIT = {
    "optimizer": "adamw",
    "learning_rate": 1e-3,
    "weight_decay": 1.0,
    "optimizer_options": {"epsilon": 1e-8},
    "epochs": 100,
    **MOVING_BN_STATISTICS,
}
#: Section 1.6's Normalize: zero mean, values in [-1, 1] (PyTorch's Normalize(0.5, 0.5)).
CV1_NORMALIZE = {"normalize": "standardize", "mean": 0.5, "std": 0.5}
CV1_DATA = {
    "batch_size": 512,
    **CV1_NORMALIZE,
    "validation": 0,  # CV1 trains on CIFAR-100's whole train split: no validation split
}
#: Section 1.6: torchvision's RandomRotation(10), at most 10 degrees (Keras's fraction of a
#: turn), the corners filled with 0 and the nearest pixel taken, as torchvision does.
CV1_ROTATION = {"factor": 10 / 360, **TORCH_FILL}

PRESETS = {
    "mlp": {"description": "MLP family: any depth and widths."},
    "keras_mnist_mlp": {
        "description": "Keras's classic mnist_mlp example: 512-512 ReLU with dropout 0.2.",
        "source": "IDL A2, Table 1",
        "model": {"hidden_units": (512, 512), "dropout": 0.2},
        # IDL A2, Table 1: Keras's mnist_mlp trains on all 60,000 training images
        # (its validation data is the test set, which the zoo never validates on).
        "data": {"batch_size": 128, "validation": 0},
        # RMSprop() with Keras's defaults: learning rate 1e-3, rho 0.9.
        "fit": {
            "optimizer": "rmsprop",
            "learning_rate": 1e-3,
            "epochs": 20,
            **MOVING_BN_STATISTICS,
        },
    },
    "idl_baseline_mlp": {
        "description": "IDL A2's baseline: the course textbook's Fashion-MNIST MLP, 300-100 ReLU, "
        "SGD.",
        "source": "IDL A2, Tables 2 and 8 (Baseline)",
        # The reference names the textbook's model without drawing it: this is the one of
        # Geron's Hands-On Machine Learning (2nd ed., ch. 10), compiled with
        # optimizer="sgd", i.e. Keras's SGD: learning rate 0.01, no momentum.
        "model": {"hidden_units": (300, 100)},
        "data": IDL_DATA,
        "fit": {"optimizer": "sgd", "learning_rate": 0.01, "momentum": 0.0, **IDL_FIT},
    },
    "idl_fmnist_mlp": {
        "description": "IDL A2's best Fashion-MNIST MLP: one 512 ReLU layer, dropout 0.3 (0.8919).",
        "source": "IDL A2, Tables 3-4",
        "model": {"hidden_units": (512,), "dropout": 0.3},
        "data": IDL_DATA,
        # RMSprop with Keras's defaults (learning rate 1e-3, rho 0.9), as Table 4 says.
        "fit": {"optimizer": "rmsprop", "learning_rate": 1e-3, **IDL_FIT},
    },
    "cv1_mlp": {
        "description": "CV1's CIFAR-100 baseline MLP: one hidden layer of 1024 ReLU units.",
        "source": "CV1, Section 1.1 and Table 1",
        "model": {
            "input_shape": (32, 32, 3),
            "num_classes": 100,
            "hidden_units": (1024,),
            **TORCH_LAYERS,
        },
        "data": CV1_DATA,
        "fit": CV1_FIT,
    },
    "cv1_mlp_tuned": {
        "description": "CV1's tuned MLP: three hidden layers of 1024 ReLU units, flips, "
        "rotations, resized crops.",
        "source": "CV1, Sections 1.7-1.8 and Table 3 (0.2563)",
        "model": {
            "input_shape": (32, 32, 3),
            "num_classes": 100,
            "hidden_units": (1024,) * 3,
            **TORCH_LAYERS,
        },
        # Section 1.8 lists no Normalize for the tuned MLP (it does for the tuned CNN), so
        # its images stay in [0, 1], as PyTorch's ToTensor leaves them. The reference
        # gives no crop scale and Keras has no RandomResizedCrop: this is the zoo's
        # (each side zoomed in by up to 30%), not torchvision's 8-100% of the area.
        "data": {
            "batch_size": 64,
            "normalize": "unit",
            "augment": {"flip": None, "rotation": CV1_ROTATION, "random_resized_crop": None},
            "validation": 0,  # CV1 trains on CIFAR-100's whole train split
        },
        "fit": {**CV1_FIT, "learning_rate": 1e-4, "weight_decay": 0.8},
    },
}
