"""`python -m benchmarks`: every benchmark on the current backend; JSON in runs/bench/."""

from pathlib import Path

import keras

from benchmarks import throughput, tuning_throughput

if __name__ == "__main__":
    out = Path("runs/bench")
    out.mkdir(parents=True, exist_ok=True)
    backend = keras.backend.backend()
    throughput.main(["--json", str(out / f"throughput-{backend}.json")])
    tuning_throughput.main(["--json", str(out / f"tuning-{backend}.json")])
