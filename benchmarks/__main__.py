"""`python -m benchmarks`: the suite and the tuning throughput on the current backend.

JSON goes to runs/bench/; once both backends' suite files are there, the JAX/TF
ratios per model are printed too.
"""

from pathlib import Path

import keras

from benchmarks import suite, tuning_throughput

if __name__ == "__main__":
    out = Path("runs/bench")
    out.mkdir(parents=True, exist_ok=True)
    backend = keras.backend.backend()
    suite.main(["--json", str(out / f"suite-{backend}.json")])
    tuning_throughput.main(["--json", str(out / f"tuning-{backend}.json")])
    ratios = suite.backend_ratios(out)
    if ratios:
        print("\nJAX/TF from the two backends' suite runs (not interleaved):\n" + ratios)
