"""The hand-in report of an example script's run directory: every experiment's tables (the
reference's number beside the zoo's) and figures, and the command that made them, in one
``report.md`` and one ``report.pdf`` (matplotlib pages, no LaTeX).

It reads what the experiments left in ``out/<experiment>/``: ``results.csv`` and the other
tables ``assignment.write_table`` wrote, ``command.json``, and every figure below it. The
PDF draws the PNG figures; figures saved as PDF or SVG are linked from report.md only.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
from pathlib import Path

from zoo.evaluation.tables import markdown_table
from zoo.figures import pages, plots


@dataclasses.dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[dict]


@dataclasses.dataclass
class Section:
    """One experiment's part of the report."""

    name: str
    title: str
    command: dict
    tables: list[Table]
    figures: list[Path]

    def made_by(self) -> tuple[str, str]:
        """The command that made the results, and how long it ran and when it finished."""
        if not self.command:
            return "(no command.json: the command was not recorded)", ""
        record = self.command
        return record["command"], f"{record['seconds']:.0f} s, finished {record['finished']}"


def write_report(out, experiments: list[tuple[str, str]], *, title: str, stamp=None):
    """Write ``out/report.md`` and ``out/report.pdf`` from the ``(name, title)`` experiments
    that have results in ``out``; returns both paths. ``stamp`` defaults to the one the
    experiments were run with."""
    out = Path(out)
    sections = [_section(out, name, heading) for name, heading in experiments]
    sections = [s for s in sections if s is not None]
    if not sections:
        names = ", ".join(name for name, _ in experiments)
        raise ValueError(
            f"No results to report: none of the experiments ({names}) has a results.csv in "
            f"{out}; run them first, e.g. with `all --quick --out {out}`. Received: {out}"
        )
    if stamp is None:
        used = {s.command.get("stamp") for s in sections if s.command} - {None}
        stamp = used.pop() if len(used) == 1 else None
    markdown = out / "report.md"
    markdown.write_text(_markdown(out, sections, title, stamp))
    pdf = pages.write_pdf(
        _pages(out, sections, title, stamp), out / "report.pdf", stamp=stamp, title=title
    )
    return markdown, pdf


def _section(out: Path, name: str, title: str) -> Section | None:
    directory = out / name
    if not (directory / "results.csv").is_file():
        return None
    command = directory / "command.json"
    others = sorted(p for p in directory.glob("*.csv") if p.name != "results.csv")
    tables = [_table(directory / "results.csv", title)]
    tables += [_table(p) for p in others if p.with_suffix(".md").is_file()]
    suffixes = {f".{f}" for f in plots.FORMATS}
    figures = [p for p in directory.rglob("*") if p.suffix in suffixes and p.is_file()]
    figures.sort(key=lambda p: (len(p.parts), str(p)))  # the experiment's own first
    return Section(
        name,
        title,
        json.loads(command.read_text()) if command.is_file() else {},
        tables,
        figures,
    )


def _table(path: Path, title: str | None = None) -> Table:
    """A table the frame wrote: rows from the CSV, the title from its Markdown twin."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        rows = [{key: _cell(value) for key, value in row.items()} for row in reader]
    if title is None:
        heading = path.with_suffix(".md").read_text().splitlines()[0]
        title = heading[2:] if heading.startswith("# ") else path.stem
    return Table(title, list(reader.fieldnames or []), rows)


def _cell(text: str):
    """A CSV cell as the number it was written from, None when empty, else the text."""
    if text == "":
        return None
    if any(c.isdigit() for c in text):  # so that a name like "inf" stays text
        for kind in (int, float):
            with contextlib.suppress(ValueError):
                return kind(text)
    return text


def _markdown(out: Path, sections: list[Section], title: str, stamp) -> str:
    lines = [f"# {title}", ""]
    if stamp:
        lines += [f"Stamp: {stamp}", ""]
    for section in sections:
        command, when = section.made_by()
        lines += [
            f"## {section.name}: {section.title}",
            "",
            f"`{command}` ({when})" if when else command,
            "",
        ]
        for number, table in enumerate(section.tables):
            if number:  # the results table sits under the section's own heading
                lines += [f"### {table.title}", ""]
            lines += [markdown_table(table.rows, table.columns), ""]
        for path in section.figures:
            relative = path.relative_to(out).as_posix()
            link = f"[{relative}]({relative})"
            lines += ["!" + link if path.suffix != ".pdf" else link, ""]
    return "\n".join(lines)


def _pages(out: Path, sections: list[Section], title: str, stamp) -> list:
    contents = [f"Stamp: {stamp}" if stamp else "", f"Run directory: {out}", ""]
    for section in sections:
        command, when = section.made_by()
        contents += [f"{section.name}: {section.title}", f"    {command}", f"    {when}", ""]
    result = [pages.text_page(title, contents)]
    for section in sections:
        drawn = [p for p in section.figures if p.suffix == ".png"]
        notes = [note for note in section.made_by() if note]
        if len(drawn) < len(section.figures):
            notes.append(f"{len(section.figures) - len(drawn)} PDF/SVG figures: see report.md")
        for number, table in enumerate(section.tables):
            heading = f"{section.name}: {table.title}"
            result += pages.table_pages(
                table.rows, table.columns, heading, notes if not number else ()
            )
        result += [pages.figure_page(p, str(p.relative_to(out))) for p in drawn]
    return result
