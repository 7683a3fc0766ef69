"""A variational auto-encoder on Fashion-MNIST, trained with plain `model.fit`.

Shows the zoo's `vae` (IDL A2's: four strided convs, a 32-dimensional latent space):
a Keras model whose loss is built in, so that `compile` needs only an optimizer and
`fit` only images (`zoo.data.images`). Then what it learnt: reconstructions of test
images, samples decoded from the prior, and a latent traversal (`zoo.generative.traverse`)
along the two latent coordinates that vary most over the test images. Fashion-MNIST is
read from a prepared copy or Debian's raw files, else digits (resized to 28x28) stand in.

    python examples/vae.py                # 2 epochs, about 5 minutes on 2 CPU cores
    python examples/vae.py --epochs 20    # IDL A2's training
    python examples/vae.py --quick        # a smoke run on digits, seconds

Writes into --out: reconstructions.png, samples.png, traversal.png and vae.keras.
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
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--out", type=Path, default=Path("runs/tutorials/vae"))
args = parser.parse_args()
epochs = 1 if args.quick else args.epochs
zoo.set_seed(0)

# Data
# Images alone, in [0, 1] (the VAE's binary cross-entropy wants that range), resized to
# the model's input shape. download=False: a dataset that is not here raises at once.
shape = (28, 28, 1)
options = dict(input_shape=shape, batch_size=128, seed=0, download=False)
dataset = "digits" if args.quick else "fashion_mnist"
try:
    train = zoo.data.images(dataset, "train", **options)
except zoo.data.DatasetNotAvailableError as error:
    print(f"Using digits instead: {error}")
    dataset = "digits"
    train = zoo.data.images(dataset, "train", **options)
test = np.concatenate(list(zoo.data.images(dataset, "test", **options).as_numpy_iterator()))
if args.quick:
    train, test = train.take(4), test[:256]
print(f"{dataset}: {len(test)} test images of shape {test.shape[1:]}")

# Model
vae = zoo.build("vae", input_shape=shape, seed=0)
vae.encoder.summary()
vae.decoder.summary()

# Train
# The reconstruction error and the KL term are the model's own (shown as
# reconstruction_loss and kl_loss), so no loss is compiled.
vae.compile(optimizer=keras.optimizers.Adam(1e-3))
vae.fit(train, epochs=epochs)
args.out.mkdir(parents=True, exist_ok=True)
vae.save(args.out / "vae.keras")

# Evaluate
# Test images over their reconstructions (a VAE decodes z_mean outside training).
originals = test[:10]
zoo.plots.plot_reconstructions(
    originals, zoo.generative.reconstruct(vae, originals), args.out / "reconstructions.png"
)
mse = zoo.generative.mean_squared_error(vae, test)
print(f"Mean squared reconstruction error over {len(test)} test images: {mse:.4f}")
# Images decoded from 32 standard-normal points: what the prior generates.
zoo.plots.plot_images(vae.generate(32, seed=0), path=args.out / "samples.png")
# Sweep the two most used latent coordinates from -3 to 3 around the origin: an 8x8 grid.
z_mean = vae.encode(test)
coords = tuple(int(c) for c in np.argsort(z_mean.std(axis=0))[::-1][:2])
grid = zoo.generative.traverse(vae.decoder, coords, point=np.zeros(vae.latent_dim))
title = f"latent coordinates {coords[0]} (rows) and {coords[1]} (columns), -3 to 3"
zoo.plots.plot_image_grid(grid, args.out / "traversal.png", title=title)
print(f"Figures in {args.out}")
