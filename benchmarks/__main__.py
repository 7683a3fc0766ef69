"""`python -m benchmarks`: every benchmark on the current backend; JSON in runs/bench/."""

from pathlib import Path

import keras

from benchmarks import throughput

if __name__ == "__main__":
    out = Path("runs/bench")
    out.mkdir(parents=True, exist_ok=True)
    throughput.main(["--json", str(out / f"throughput-{keras.backend.backend()}.json")])
