"""The import graph: no module imports from a layer above its own.

Lowest first. A module may import its own layer and those below; ``zoo/__init__.py``
and the task namespaces (``zoo.clock``, ``zoo.generative``, ``zoo.diffusion``) sit on
top of the library, and the application (``zoo.cli``), the searches, the benchmarks
and the examples sit on top of it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = [
    ["zoo.errors", "zoo.backend", "zoo.progress", "zoo.saving"],
    ["zoo.data"],
    ["zoo.models"],
    ["zoo.training"],
    ["zoo.evaluation"],
    ["zoo.figures"],
    ["zoo", "zoo.clock", "zoo.generative", "zoo.diffusion"],
    ["zoo.cli", "zoo.__main__"],
    ["tuning"],
    ["benchmarks"],
    ["examples"],
]


def layer_of(module: str) -> int:
    """The layer of the longest prefix of ``module`` that LAYERS names."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        for rank, names in enumerate(LAYERS):
            if prefix in names:
                return rank
    raise AssertionError(f"{module} is in no layer of tests/test_layers.py")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path):
    """The project modules that ``path`` imports, anywhere in it (lazy imports too)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from zoo import plots` imports zoo.plots, the package's own name for figures.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in ("zoo", "tuning", "benchmarks"):
                yield name


SOURCES = sorted(
    p
    for folder in ("zoo", "tuning", "benchmarks", "examples")
    for p in (ROOT / folder).rglob("*.py")
)


def test_every_source_is_checked():
    names = {module_name(p) for p in SOURCES}
    assert {"zoo.models.cnn", "zoo.training.trainer", "zoo.cli.demo", "examples.kth"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_from_a_higher_layer(path):
    rank = layer_of(module_name(path))
    upward = [
        name for name in imported(path) if layer_of(name.replace("zoo.plots", "zoo.figures")) > rank
    ]
    assert not upward, f"{module_name(path)} (layer {rank}) imports {upward} from above"
