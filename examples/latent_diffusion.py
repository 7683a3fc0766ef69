"""Latent diffusion: a denoising diffusion model in the latent space of an auto-encoder.

Shows `zoo.diffusion.Diffusion` in two stages. First a convolutional auto-encoder
(`cae`) learns to squeeze 32x32 Fashion-MNIST images into 8x8x8 latents and back.
Then, with the auto-encoder frozen, a noise-conditioned UNet learns to predict the
Gaussian noise added to those latents (cosine schedule, one random noise level per
image), and the deterministic DDIM sampler turns pure noise into latents, which the
decoder makes images of. Both train with plain `model.fit` on either backend.
Fashion-MNIST is read from a prepared copy or Debian's raw files, else digits stand in.

    python examples/latent_diffusion.py                # 4 epochs each, ~4 min on 2 cores
    python examples/latent_diffusion.py --epochs 20 --steps 50
    python examples/latent_diffusion.py --quick        # a smoke run on digits, seconds

Writes into --out: reconstructions.png (the CAE), trajectories.png (noise to image,
step by step), samples.png (an 8x8 grid of samples) and ddim.keras. After 4 epochs the
samples are blurry garment shapes; more epochs sharpen them.
"""

# Setup
import argparse
from pathlib import Path

import zoo  # before Keras, which starts TensorFlow: the zoo hides its start-up notes

# isort: split
import keras
import numpy as np

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="smoke size: digits, a few batches")
parser.add_argument("--epochs", type=int, default=4, help="epochs of each stage")
parser.add_argument("--steps", type=int, default=20, help="DDIM sampling steps")
parser.add_argument("--out", type=Path, default=Path("runs/tutorials/latent_diffusion"))
args = parser.parse_args()
epochs, steps = (1, 4) if args.quick else (args.epochs, args.steps)
zoo.set_seed(0)

# Data
# Images in [0, 1], resized to 32x32: the CAE's two stride-2 convs make 8x8 latents,
# which the UNet's two pools divide.
shape = (32, 32, 1)
options = dict(input_shape=shape, batch_size=128, seed=0, download=False)
dataset = "digits" if args.quick else "fashion_mnist"
try:
    pairs = zoo.data.images(dataset, "train", target="image", **options)  # (x, x) for the CAE
except zoo.data.DatasetNotAvailableError as error:
    print(f"Using digits instead: {error}")
    dataset = "digits"
    pairs = zoo.data.images(dataset, "train", target="image", **options)
images = zoo.data.images(dataset, "train", **options)  # images alone for the diffusion model
if args.quick:
    pairs, images = pairs.take(4), images.take(4)
sample = np.concatenate(list(images.take(8).as_numpy_iterator()))  # up to 1024 images
print(f"{dataset}: training on {shape} images")

# Model
# The CAE: 3x3 stride-2 convs of 32 and 8 filters, a linear latent (a diffusion model
# wants signed latents; a ReLU would leave half of them zero).
cae = zoo.build("cae", input_shape=shape, filters=(32, 8), latent_activation="linear")
encoder, decoder = cae.get_layer("encoder"), cae.get_layer("decoder")
latent_shape = encoder.output_shape[1:]
# The UNet takes a noisy latent and its noise variance and predicts the noise; a small
# one (the preset's widths are 64-128) to train in minutes on a CPU.
unet = zoo.build("unet", input_shape=latent_shape, widths=(32, 64), bottleneck=(128, 64))
print(f"latents {latent_shape}; UNet of {unet.count_params():,} weights")

# Train
cae.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
cae.fit(pairs, epochs=epochs)
# Diffusion freezes the encoder and decoder (trainable = False): make it after the CAE
# has trained. adapt() standardises the latents per channel.
ddim = zoo.diffusion.Diffusion(unet, encoder, decoder, seed=0)
ddim.adapt(sample)
ddim.compile(optimizer=keras.optimizers.Adam(1e-3))
ddim.fit(images, epochs=epochs)
args.out.mkdir(parents=True, exist_ok=True)
ddim.save(args.out / "ddim.keras")

# Evaluate
# The CAE's reconstructions bound what the samples can look like.
originals = sample[:10]
zoo.plots.plot_reconstructions(
    originals, cae.predict(originals, verbose=0), args.out / "reconstructions.png"
)
# DDIM from 64 standard-normal latents: (64, steps + 1, 32, 32, 1) in [0, 1], from the
# decoded noise to each step's estimate of the clean image.
trajectories = ddim.sample(64, steps=steps, seed=0)
zoo.diffusion.plot_trajectories(trajectories[:4], args.out / "trajectories.png")
grid = trajectories[:, -1].reshape(8, 8, *shape)
zoo.plots.plot_image_grid(grid, args.out / "samples.png", title=f"DDIM, {steps} steps")
print(f"Figures in {args.out}")
