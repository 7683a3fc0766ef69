"""UNet denoiser presets: COSC420 A1's Table 9 and the zoo's noise-conditioned UNet.

Each preset is data: a ``description``, its ``source``, and the options of each stage:
``model`` (the builder's), ``data`` (``zoo.data.load``'s, with ``batch_size``), ``fit``
(``zoo.fit``'s, with ``epochs``) and ``evaluate`` (``zoo.evaluate``'s).
"""

PRESETS = {
    "unet": {
        "description": "Noise-conditioned UNet for zoo.diffusion: 8x8x8 latents, widths 64-128.",
        "source": "the proper-schedule denoiser of zoo.diffusion (DDIM-style, noise-level input)",
        "model": {"noise_input": True},
    },
    "cosc420_unet": {
        "description": "COSC420 A1's latent denoiser: 12x12x64, convs 128/256, bottleneck "
        "512-1024.",
        "source": "COSC420 A1, Table 9 (15,892,864 parameters; Adam 1e-4, batch 16, MSE, "
        "1000 epochs)",
        "model": {
            "input_shape": (12, 12, 64),
            "widths": (128, 256),
            "convs_per_level": 3,
            "top_filters": 64,
            "bottleneck": (512, 1024, 512, 256),
            # PyTorch's nn.Conv2d/ConvTranspose2d defaults: the reference names none.
            "kernel_initializer": "torch",
        },
        "data": {"batch_size": 16},
        # Sections 4.3.1-4.3.3 give the learning rate, 1000 epochs and batch size, and
        # Section 4.1 the MSE; Adam is carried over from Task 1 (Section 2.5.3), as PyTorch
        # has no default optimizer. The epsilon is PyTorch's Adam's (Keras's is 1e-7).
        "fit": {
            "optimizer": "adam",
            "learning_rate": 1e-4,
            "optimizer_options": {"epsilon": 1e-8},
            "epochs": 1000,
            "loss": "mse",
        },
    },
}
