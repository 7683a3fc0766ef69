"""The references' search spaces (registered when ``tuning`` is imported).

Values are explicit lists, baseline first (the one-at-a-time baseline and the
grid's first setting); ``optimizer`` settings of IDL A2 bundle the learning rate.
"""

from tuning.spaces import Space, register

#: l1/l2 strength of the "l1"/"l2" regulariser settings: Keras's own default (0.01),
#: which IDL A2 used by passing ``kernel_regularizer="l1"``.
REGULARIZER_STRENGTH = 0.01


def mlp_layers(options: dict) -> dict:
    """IDL A2 counts the output layer: ``layers=2`` is one hidden layer of ``units``."""
    layers, units = options.pop("layers", 2), options.pop("units", 512)
    return {**options, "hidden_units": (units,) * (layers - 1)}


def cnn_layers(options: dict) -> dict:
    """IDL A2's CNN cut or grown to ``conv_layers``, from its 5-layer pattern."""
    n = options.pop("conv_layers", 5)
    filters = tuple(options.pop("filters", (32, 64, 64, 128, 128)))
    filters = (filters + (filters[-1],) * n)[:n]
    kernels = ((7,) + (3,) * n)[:n]
    pools = tuple(i % 2 == 0 for i in range(n))
    return {**options, "filters": filters, "kernel_size": kernels, "pool_after": pools}


IDL_A2_OPTIMIZERS = {
    "rmsprop": {"optimizer": "rmsprop", "learning_rate": 1e-3},
    "adam_1e-3": {"optimizer": "adam", "learning_rate": 1e-3},
    "adam_1e-2": {"optimizer": "adam", "learning_rate": 1e-2},
}

register(
    Space(
        name="idl_fmnist_mlp_grid",
        model="idl_fmnist_mlp",
        dataset="fashion_mnist",
        description="IDL A2 Table 3: initializer x activation x optimizer x regulariser.",
        values={
            "kernel_initializer": ["glorot_uniform", "random_normal", "glorot_normal"],
            "activation": ["relu", "sigmoid", "tanh"],
            "optimizer": IDL_A2_OPTIMIZERS,
            "regularizer": {
                "none": {},
                "l1": {"l1": REGULARIZER_STRENGTH},
                "l2": {"l2": REGULARIZER_STRENGTH},
            },
        },
        fixed={"hidden_units": (128,), "dropout": 0.0, "epochs": 50, "early_stopping": 5},
        fit=("optimizer", "learning_rate", "epochs", "early_stopping"),
    )
)
register(
    Space(
        name="idl_fmnist_mlp_dropout",
        model="idl_fmnist_mlp",
        dataset="fashion_mnist",
        description="IDL A2 Tables 2 and 4: dropout x #layers (output included) x units.",
        values={"dropout": [0.0, 0.1, 0.3, 0.5], "layers": [2, 3, 4], "units": [128, 256, 512]},
        fixed={"optimizer": "rmsprop", "epochs": 50, "early_stopping": 5},
        fit=("optimizer", "epochs", "early_stopping"),
        derive=mlp_layers,
    )
)
register(
    Space(
        name="idl_fmnist_cnn",
        model="idl_fmnist_cnn",
        dataset="fashion_mnist",
        description="IDL A2 Tables 5-6: #conv layers x filter set x dropout x optimizer.",
        values={
            "conv_layers": [5, 3, 6],
            "filters": [
                (32, 64, 64, 128, 128),
                (64, 128, 128, 256, 256),
                (128, 256, 256, 512, 512),
            ],
            "dense_dropout": [0.1, 0.3, 0.5],
            "optimizer": IDL_A2_OPTIMIZERS,
        },
        fixed={"epochs": 50, "early_stopping": 5},
        fit=("optimizer", "learning_rate", "epochs", "early_stopping"),
        derive=cnn_layers,
    )
)
register(
    Space(
        name="cv1_oneatatime",
        model="lenet5",
        dataset="cifar100",
        description="CV1 Tables 1-2: one hyperparameter at a time from the baseline.",
        values={
            "learning_rate": [1e-3, 1e-2, 1e-4],
            "batch_size": [512, 32, 64, 128, 256, 1024],
            "epochs": [100, 10, 50, 200, 500],
            "optimizer": ["adamw", "sgd", "rmsprop"],
            "weight_decay": [1.0, 0.8, 0.6, 0.4, 0.2, 0.01],
            "augment": [None, "flip", "rotation", "color_jitter"],
            "activation": ["tanh", "relu"],
        },
        fixed={"normalize": "standardize"},
        data=("batch_size", "augment", "normalize"),
        fit=("learning_rate", "epochs", "optimizer", "weight_decay"),
    )
)
register(
    Space(
        name="kth_variants",
        model="kth_cnn",
        dataset="cifar10",
        description="KTH P3 Sections 3-4: each change to the default CNN, alone or combined.",
        values={
            "filters": [(24, 48, 96), (64, 128, 256)],
            "dense_units": [(512,), (512, 128)],
            "kernel_size": [(5, 3, 3), (7, 5, 3)],
            "activation": ["relu", "leaky_relu"],
            "dense_dropout": [0.0, 0.3],
            "batch_norm": [False, True],
            "batch_size": [64, 256],
            "learning_rate": [1e-3, 0.1],
            "shuffle": [False, True],
        },
        fixed={"optimizer": "sgd", "epochs": 50},
        data=("batch_size", "shuffle"),
        fit=("learning_rate", "optimizer", "epochs"),
    )
)
register(
    Space(
        name="cosc420_regularisation",
        model="cosc420_cnn",
        dataset="oxford_flowers102",
        description="COSC420 A1 Table 5: batch norm x weight decay x dropout.",
        values={
            "batch_norm": [True, False],
            "weight_decay": [1e-3, 0.0, 5e-4, 5e-3],
            "dense_dropout": [0.0, 0.3],
        },
        fixed={"image_size": (96, 96), "classes": tuple(range(10)), "optimizer": "adamw"},
        data=("image_size", "classes"),
        fit=("weight_decay", "optimizer"),
    )
)
register(
    Space(
        name="smoke",
        model="mlp",
        dataset="digits",
        description="A 4-setting MLP space on sklearn's digits, to try the tools in seconds.",
        values={"hidden_units": [(16,), (32,)], "optimizer": ["adam", "rmsprop"]},
        fixed={"epochs": 2},
        fit=("optimizer", "epochs"),
    )
)
