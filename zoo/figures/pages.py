"""The pages of a hand-in PDF, drawn with matplotlib alone (no LaTeX): a contents page,
tables and figures, each page stamped, written with ``PdfPages``.

    pages = [text_page("KTH P3", ["default: ..."]), *table_pages(rows, columns, "default")]
    write_pdf(pages + [figure_page("runs/kth/default/results.png")], "report.pdf", stamp=s)
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
import matplotlib.image
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from zoo.evaluation.tables import format_value

PAGE = (11.69, 8.27)  # A4 landscape, inches
ROWS_PER_PAGE = 24  # table rows that fit a page at the table's font size
WRAP = 140  # characters per line of text at 8 points across the page


def _page(title: str) -> Figure:
    fig = Figure(figsize=PAGE)
    fig.text(0.04, 0.95, title, fontsize=13, weight="bold", va="top", wrap=True)
    return fig


def text_page(title: str, lines: list[str]) -> Figure:
    """A page of ``lines`` under ``title``; long lines wrap, monospaced for commands."""
    fig = _page(title)
    wrapped = [part for line in lines for part in (textwrap.wrap(line, WRAP) or [""])]
    fig.text(0.04, 0.88, "\n".join(wrapped), fontsize=8, family="monospace", va="top")
    return fig


def table_pages(rows: list[dict], columns: list[str], title: str, notes=()) -> list[Figure]:
    """``rows`` as a drawn table under ``title`` and ``notes`` (e.g. the command that made
    them), over as many pages as it needs (none for no rows); cells read as in Markdown."""
    pages = []
    for start in range(0, len(rows), ROWS_PER_PAGE):
        chunk = rows[start : start + ROWS_PER_PAGE]
        suffix = f" (rows {start + 1}-{start + len(chunk)})" if len(rows) > ROWS_PER_PAGE else ""
        fig = _page(title + suffix)
        wrapped = [part for note in notes for part in textwrap.wrap(note, WRAP)]
        fig.text(0.04, 0.9, "\n".join(wrapped), fontsize=8, family="monospace", va="top")
        ax = fig.add_axes((0.04, 0.05, 0.92, 0.9 - 0.03 * (len(wrapped) + 1)))
        ax.set_axis_off()
        cells = [[format_value(row.get(c)) for c in columns] for row in chunk]
        table = ax.table(cellText=cells, colLabels=columns, loc="upper center", cellLoc="left")
        table.auto_set_font_size(False)
        table.set_fontsize(8)
        table.auto_set_column_width(list(range(len(columns))))
        for (row, _), cell in table.get_celld().items():
            if row == 0:
                cell.set_text_props(weight="bold")
                cell.set_facecolor("0.9")
        pages.append(fig)
    return pages


def figure_page(path, title: str | None = None) -> Figure:
    """A saved raster figure (png) on a page of its own, as large as fits, under ``title``."""
    image = matplotlib.image.imread(path)
    fig = _page(title or str(path))
    ax = fig.add_axes((0.04, 0.04, 0.92, 0.86))
    ax.imshow(image, interpolation="none")  # the figure's own pixels, not resampled
    ax.set_axis_off()
    return fig


def write_pdf(pages: list[Figure], path, *, stamp: str | None = None, title: str = "") -> Path:
    """Write ``pages`` into one PDF at ``path``, each numbered and stamped in its footer."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        matplotlib.rc_context({"pdf.fonttype": 42}),
        PdfPages(path, metadata={"Title": title}) as pdf,
    ):
        for number, page in enumerate(pages, start=1):
            page.text(0.04, 0.02, f"{number} / {len(pages)}", fontsize=7, color="0.3")
            page.text(0.96, 0.02, stamp or "", ha="right", fontsize=7, color="0.3")
            pdf.savefig(page)
    return path
