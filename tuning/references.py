"""The references' search spaces (registered when ``tuning`` is imported).

Values are explicit lists in the reference's order, baseline first unless the space
names its ``baseline`` (the one-at-a-time starting point); ``optimizer`` settings of IDL
A2 bundle the learning rate.
"""

from tuning.spaces import Space, register
from zoo.models.presets.mlp import CV1_ROTATION

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
#: Every IDL A2 search trains a setting for at most 50 epochs with early stopping; the
#: patience is Keras's EarlyStopping() default (0: zoo.fit's 1; see its presets).
IDL_A2_FIT = {"epochs": 50, "early_stopping": 1}
IDL_A2_CNN_FILTERS = [(32, 64, 64, 128, 128), (64, 128, 128, 256, 256), (128, 256, 256, 512, 512)]

register(
    Space(
        name="idl_fmnist_mlp_layers",
        model="idl_fmnist_mlp",
        dataset="fashion_mnist",
        description="IDL A2 Table 2: #layers (output included) and #units, one at a time.",
        # Table 2's #layers rows are at 512 units (its 2-layer 0.8911 is Table 4's top 2),
        # its #units rows at 2 layers; RMSprop is Keras's compile default.
        values={"layers": [2, 3, 4], "units": [128, 256, 512]},
        baseline={"units": 512},
        fixed={"dropout": 0.0, "optimizer": "rmsprop", **IDL_A2_FIT},
        fit=("optimizer", "epochs", "early_stopping"),
        derive=mlp_layers,
    )
)
register(
    Space(
        name="idl_fmnist_mlp_grid",
        model="idl_fmnist_mlp",
        dataset="fashion_mnist",
        description="IDL A2 Table 3: initializer x activation x optimizer x regulariser.",
        values={
            "kernel_initializer": ["random_normal", "glorot_normal", "glorot_uniform"],
            "activation": ["relu", "sigmoid", "tanh"],
            "optimizer": IDL_A2_OPTIMIZERS,
            "regularizer": {
                "none": {},
                "l1": {"l1": REGULARIZER_STRENGTH},
                "l2": {"l2": REGULARIZER_STRENGTH},
            },
        },
        # Table 2's best architecture: 2 layers of 128 units, no dropout yet.
        fixed={"hidden_units": (128,), "dropout": 0.0, **IDL_A2_FIT},
        fit=("optimizer", "learning_rate", "epochs", "early_stopping"),
    )
)
register(
    Space(
        name="idl_fmnist_mlp_dropout",
        model="idl_fmnist_mlp",
        dataset="fashion_mnist",
        description="IDL A2 Tables 3-4: one dropout layer after the hidden layer x #units.",
        # Table 4: 2 layers of 512 or 128 units, ReLU, GlorotUniform, RMSprop, no
        # regulariser, without dropout or with one at 0.1, 0.3 or 0.5.
        values={"dropout": [0.0, 0.1, 0.3, 0.5], "units": [512, 128]},
        fixed={"optimizer": "rmsprop", **IDL_A2_FIT},
        fit=("optimizer", "epochs", "early_stopping"),
        derive=mlp_layers,
    )
)
register(
    Space(
        name="idl_fmnist_cnn_architecture",
        model="idl_fmnist_cnn",
        dataset="fashion_mnist",
        description="IDL A2 Table 5: #conv layers and filter sets, one at a time.",
        # Before dropout and optimizer were tuned: the textbook CNN's dropout 0.5 and
        # Keras's compile default, RMSprop (Table 7's top 3, 0.5 and RMSprop, is Table 5's
        # 5-layer 0.9109).
        values={"conv_layers": [5, 6, 3], "filters": IDL_A2_CNN_FILTERS},
        fixed={"dense_dropout": 0.5, "optimizer": "rmsprop", **IDL_A2_FIT},
        fit=("optimizer", "epochs", "early_stopping"),
        derive=cnn_layers,
    )
)
register(
    Space(
        name="idl_fmnist_cnn",
        model="idl_fmnist_cnn",
        dataset="fashion_mnist",
        description="IDL A2 Table 6: dropout rate and optimizer, one at a time.",
        # On Table 5's best: 5 conv layers of (32, 64, 64, 128, 128) filters.
        values={"dense_dropout": [0.1, 0.3, 0.5], "optimizer": IDL_A2_OPTIMIZERS},
        fixed=IDL_A2_FIT,
        fit=("optimizer", "learning_rate", "epochs", "early_stopping"),
    )
)
#: CV1 Table 1's values, baseline first. The optimizer comes after the learning rate and
#: weight decay: its SGD and RMSProp settings (Table 2) set their own, and a later
#: hyperparameter's options win over an earlier one's.
CV1_VALUES = {
    "learning_rate": [1e-3, 1e-2, 1e-4],
    "batch_size": [512, 32, 64, 128, 256, 1024],
    "epochs": [100, 10, 50, 200, 500],
    "weight_decay": [1.0, 0.8, 0.6, 0.4, 0.2, 0.01],
    # Every setting normalises (the presets' Normalize). The reference gives no colour
    # jitter strengths, and PyTorch's ColorJitter() changes nothing, so they are the zoo's.
    "augment": {
        "normalize": {"augment": None},
        "flip": {"augment": "flip"},
        "rotation": {"augment": {"rotation": CV1_ROTATION}},
        "color_jitter": {"augment": "color_jitter"},
    },
    # Table 2, in PyTorch's terms: RMSProp's alpha is Keras's rho, and its epsilon is
    # PyTorch's default; their weight decay is PyTorch's, added to the gradient (the
    # *_l2 optimizers); SGD takes none of the baseline AdamW's options.
    "optimizer": {
        "adamw": {"optimizer": "adamw"},
        "sgd": {
            "optimizer": "sgd_l2",
            "learning_rate": 1e-3,
            "momentum": 0.9,
            "weight_decay": 1e-2,
            "optimizer_options": {},
        },
        "rmsprop": {
            "optimizer": "rmsprop_l2",
            "learning_rate": 1e-3,
            "weight_decay": 1e-2,
            "optimizer_options": {"rho": 0.99, "epsilon": 1e-8},
        },
    },
}
CV1_DATA = ("batch_size", "augment")
CV1_FIT = ("learning_rate", "epochs", "weight_decay", "optimizer", "momentum", "optimizer_options")

register(
    Space(
        name="cv1_oneatatime",
        model="lenet5",
        dataset="cifar100",
        description="CV1 Tables 1-2 and Figure 3: LeNet-5, one hyperparameter at a time.",
        values={
            **CV1_VALUES,
            # "we replaced the Sigmoid and Tanh activation functions with ReLU" (Section 1.7)
            "activation": {
                "sigmoid_tanh": {"activation": "tanh", "pool_activation": "sigmoid"},
                "relu": {"activation": "relu", "pool_activation": None},
            },
        },
        data=CV1_DATA,
        fit=CV1_FIT,
    )
)
register(
    Space(
        name="cv1_mlp_oneatatime",
        model="cv1_mlp",
        dataset="cifar100",
        description="CV1 Tables 1-2 and Figure 2: the MLP, one hyperparameter at a time.",
        values={
            **CV1_VALUES,
            # Its baseline is ReLU already (Section 1.8); Figure 2's extra_layers are the
            # tuned MLP's two more 1024-unit layers (Section 1.7).
            "extra_layers": {
                "false": {"hidden_units": (1024,)},
                "true": {"hidden_units": (1024, 1024, 1024)},
            },
        },
        data=CV1_DATA,
        fit=CV1_FIT,
    )
)
#: KTH P3 Sections 3-4 in the report's order: name, the variant it builds on, its change,
#: the report's average top-1 recall. The report kept a change when it helped (filters,
#: leaky ReLU, dropout, batch norm) and built the next ones on the best so far; the last
#: three are training settings, each tried on the best network alone.
KTH_VARIANTS = [
    ("default", None, {}, 0.6932),
    ("filters_64_128_256", "default", {"filters": (64, 128, 256)}, 0.7146),
    ("extra_dense_128", "filters_64_128_256", {"dense_units": (512, 128)}, 0.7018),
    ("kernels_7_5_3", "filters_64_128_256", {"kernel_size": (7, 5, 3)}, 0.7003),
    ("leaky_relu", "filters_64_128_256", {"activation": "leaky_relu"}, 0.7199),
    ("dropout_0.3", "leaky_relu", {"dense_dropout": 0.3}, 0.7358),
    # "after each activation function": the third conv has none (Figure 1).
    (
        "batch_norm",
        "dropout_0.3",
        {"batch_norm": (True, True, False), "dense_batch_norm": True},
        0.7487,
    ),
    ("batch_size_256", "batch_norm", {"batch_size": 256}, 0.7236),
    ("learning_rate_0.1", "batch_norm", {"learning_rate": 0.1}, 0.7391),
    ("shuffling", "batch_norm", {"shuffle": True}, 0.7479),
]


def kth_variant_options(name: str) -> dict:
    """All the changes from the default CNN that make KTH P3's variant ``name``."""
    _, base, change, _ = next(v for v in KTH_VARIANTS if v[0] == name)
    return {**(kth_variant_options(base) if base else {}), **change}


register(
    Space(
        name="kth_variants",
        model="kth_cnn",
        dataset="cifar10",
        description="KTH P3 Sections 3-4: the report's variants in its order, each built on "
        "the best so far.",
        # One setting per variant: a grid or one-at-a-time search runs them in the
        # report's order, on kth_cnn's recipe (SGD, 300 epochs, inputs in [-0.5, 0.5]).
        values={"variant": {v[0]: kth_variant_options(v[0]) for v in KTH_VARIANTS}},
        data=("batch_size", "shuffle"),
        fit=("learning_rate",),
    )
)
#: COSC420 A1's coarse set as the zoo has it: the first 10 flower classes (the report's
#: own 10-class grouping is not public) at 96x96 (Section 2.2), trained on the 6,149-image
#: split as Table 1 counts. The rest of the recipe is cosc420_cnn's: class balancing,
#: PyTorch's Adam with weight decay 1e-3, batch 128, 50 epochs.
COSC420_COARSE = {"image_size": (96, 96), "classes": tuple(range(10)), "splits": "large_train"}


def cosc420_setting(batch_norm: bool, weight_decay: float, dropout: float = 0.0) -> dict:
    """A row of Table 5: "Batch Norm N/A" has no batch norm at all (dense1's included);
    the dropout is after each hidden dense layer (the report does not say where)."""
    return {
        "batch_norm": batch_norm,
        "dense_batch_norm": (batch_norm, False),
        "weight_decay": weight_decay,
        "dense_dropout": dropout,
    }


register(
    Space(
        name="cosc420_regularisation",
        model="cosc420_cnn",
        dataset="oxford_flowers102",
        description="COSC420 A1 Table 5: its 7 settings of batch norm, weight decay, dropout.",
        # Table 5's rows, its best (the preset's) first.
        values={
            "regularisation": {
                "bn_wd0.001": cosc420_setting(True, 1e-3),
                "none": cosc420_setting(False, 0.0),
                "wd0.001": cosc420_setting(False, 1e-3),
                "bn": cosc420_setting(True, 0.0),
                "bn_wd0.001_dropout0.3": cosc420_setting(True, 1e-3, 0.3),
                "bn_wd0.0005": cosc420_setting(True, 5e-4),
                "bn_wd0.005": cosc420_setting(True, 5e-3),
            }
        },
        fixed=COSC420_COARSE,
        data=tuple(COSC420_COARSE),
        fit=("weight_decay",),
    )
)
register(
    Space(
        name="cosc420_sweeps",
        model="cosc420_cnn",
        dataset="oxford_flowers102",
        description="COSC420 A1 Tables 3-4, Section 2.5: filters, augmentation, batch size, "
        "learning rate.",
        values={
            "filters": [(16, 32, 64, 128, 256), (32, 64, 128, 256, 512)],  # Table 3
            "balance": [True, False],  # Table 4: augmented copies that balance the classes
            "batch_size": [128, 4, 16, 64, 256],  # Section 2.5.1
            "learning_rate": [1e-3, 5e-4, 5e-3],  # Section 2.5.2
        },
        fixed=COSC420_COARSE,
        data=(*COSC420_COARSE, "balance", "batch_size"),
        fit=("learning_rate",),
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
