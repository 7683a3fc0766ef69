"""The helpers behind the zoo's errors in words: "Did you mean ...?" and "x there, y now"."""

from __future__ import annotations

import difflib


def did_you_mean(word, choices) -> str:
    """`` Did you mean 'x'?`` for the choice closest to ``word``, or an empty string."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def differences(found: dict, wanted: dict) -> str:
    """``"k: 1 there, 2 now, ..."`` for each key of ``wanted`` whose value ``found`` does
    not share, or an empty string: why a directory holds another run than this one."""
    differ = {k: (found.get(k), v) for k, v in wanted.items() if found.get(k) != v}
    return ", ".join(f"{k}: {a!r} there, {b!r} now" for k, (a, b) in differ.items())
