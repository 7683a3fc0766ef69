"""Reading analog clocks in one namespace: the framings a clock model outputs
(``zoo.models.clock_framings``: targets, ``ClockLoss``, ``ClockError``) and the score of
a test set (``zoo.evaluation.clock``: ``evaluate``, ``ClockReport``)."""

from zoo.evaluation.clock import ClockReport, evaluate, format_time, predict_minutes
from zoo.models.clock_framings import (
    DIAL,
    FRAMINGS,
    ClockError,
    ClockLoss,
    ClockOutput,
    check_framing,
    common_sense_error,
    decode,
    encode,
    framing_of,
    output_size,
)

__all__ = [
    "DIAL",
    "FRAMINGS",
    "ClockError",
    "ClockLoss",
    "ClockOutput",
    "ClockReport",
    "check_framing",
    "common_sense_error",
    "decode",
    "encode",
    "evaluate",
    "format_time",
    "framing_of",
    "output_size",
    "predict_minutes",
]
