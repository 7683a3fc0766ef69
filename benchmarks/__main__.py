"""`python -m benchmarks`: every benchmark on the current backend (KERAS_BACKEND)."""

from benchmarks import throughput

if __name__ == "__main__":
    throughput.main()
