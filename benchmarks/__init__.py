"""Speed measurements, run by `make bench`; never by the tests."""

import json


def publish(result: dict, line: str, path=None) -> dict:
    """Print a benchmark's one-line summary and, if ``path`` is given, its JSON."""
    print(line)
    if path:
        with open(path, "w") as f:
            json.dump(result, f, indent=2)
    return result
