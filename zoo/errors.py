"""The one helper behind every "Unknown ... Did you mean ...?" error in the zoo."""

from __future__ import annotations

import difflib


def did_you_mean(word, choices) -> str:
    """`` Did you mean 'x'?`` for the choice closest to ``word``, or an empty string."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" Did you mean '{close[0]}'?" if close else ""
