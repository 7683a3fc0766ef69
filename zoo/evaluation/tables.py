"""Results as Markdown tables: a notebook's view of a ``Report``, the example scripts'
results.md and their hand-in report all write them the same way."""

from __future__ import annotations


def format_value(value) -> str:
    """A table cell: floats to 4 significant digits, "-" for no value."""
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def markdown_table(rows: list[dict], columns) -> str:
    """``rows`` (dicts) as a Markdown table of ``columns``; numbers right-aligned."""
    columns = list(columns)
    numeric = [all(isinstance(r.get(c), (int, float, type(None))) for r in rows) for c in columns]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("--:" if n else "---" for n in numeric) + "|",
    ]
    lines += ["| " + " | ".join(format_value(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)
