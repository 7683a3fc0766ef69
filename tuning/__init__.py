"""KerasTuner searches over the zoo's models: spaces, hypermodels, oracles, search jobs.

    import tuning
    rows = tuning.run("idl_fmnist_mlp_grid", "grid", directory="runs/mlp-grid")

or from the command line: ``python -m tuning list`` and ``python -m tuning run --help``.
"""

from tuning import references  # noqa: F401  (registers the references' spaces)
from tuning.hypermodel import ZooHyperModel, check_space, settings_one_at_a_time, split_options
from tuning.oracles import OneAtATimeOracle, ResumableGridSearchOracle
from tuning.report import collect, table
from tuning.search import TUNERS, ZooTuner, make_tuner, run
from tuning.spaces import Space, get, list_spaces, register

__all__ = [
    "TUNERS",
    "OneAtATimeOracle",
    "ResumableGridSearchOracle",
    "Space",
    "ZooHyperModel",
    "ZooTuner",
    "check_space",
    "collect",
    "get",
    "list_spaces",
    "make_tuner",
    "register",
    "run",
    "settings_one_at_a_time",
    "split_options",
    "table",
]
