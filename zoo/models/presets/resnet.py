"""CIFAR ResNet presets (CMU HW1 part 3: a from-scratch model).

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

# PyTorch's BN; the convs keep He et al.'s initialisation, the builder's (CMU HW1 says it
# tried "nn.init" without naming one).
from zoo.models.presets.mlp import MOVING_BN_STATISTICS, TORCH_BATCH_NORM

#: Both depths train alike: SGD with momentum, cosine decay from 0.1 (the zoo's: CMU HW1
#: names "different scheduler[s]" without their settings), for 20 epochs, as the logs of
#: both of its Part 3 models show ("Epoch 20/20").
CIFAR_FIT = {
    "optimizer": "sgd",
    "learning_rate": 0.1,
    "momentum": 0.9,
    "schedule": "cosine",
    "epochs": 20,
    **MOVING_BN_STATISTICS,
}

PRESETS = {
    "resnet": {"description": "CIFAR ResNet family: depth 6n+2."},
    "resnet20": {
        "description": "ResNet-20 for 32x32 images (0.27M parameters), from scratch.",
        "source": "CMU HW1, part 3 (>= 60% on CIFAR-100)",
        "model": {"depth": 20, **TORCH_BATCH_NORM},
        "data": {"batch_size": 128},
        "fit": CIFAR_FIT,
    },
    "resnet56": {
        "description": "ResNet-56 for 32x32 images (0.86M parameters), from scratch.",
        "source": "CMU HW1, part 3 (>= 60% on CIFAR-100)",
        "model": {"depth": 56, **TORCH_BATCH_NORM},
        "data": {"batch_size": 128},
        "fit": CIFAR_FIT,
    },
}
