"""Report documents on disk: headings, paragraphs, tables and images as Markdown or HTML.

A document is a list of blocks that both renderers understand, so the Markdown and the HTML
always say the same thing. Markdown goes beside its PNG images; HTML holds them inline.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .._errors import OutputError
from .._version import __version__
from .atomic import atomic_write, probe_directory

__all__ = ["Block", "Heading", "Image", "Paragraph", "Table", "check_report_dir", "write_document"]


def check_report_dir(directory: str | os.PathLike[str]) -> Path:
    """Fail early, before any long work, if ``directory`` cannot be created or written to."""
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{directory}: is not a directory; give a directory for the report")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{directory}: cannot create the report directory: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{directory}: cannot write the report there: {existing} is not writable")
    probe_directory(existing, what=str(directory))
    return path


@dataclass(frozen=True)
class Heading:
    """A heading of ``level`` 1 (the title) to 6."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of text cells."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric_from: int = 1  # columns from this one on are right-aligned


@dataclass(frozen=True)
class Image:
    """A PNG image, by its file name in the document's charts."""

    name: str
    alt: str


Block = Heading | Paragraph | Table | Image


def _md_text(text: str) -> str:
    # Backslash-escape Markdown punctuation and keep table cells on one line.
    text = " ".join(text.split())
    out = text.replace("\\", "\\\\")
    for char in "`*_[]<>|#!~&":
        out = out.replace(char, "\\" + char)
    return out


def _markdown(blocks: Iterable[Block]) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append("#" * block.level + " " + _md_text(block.text))
        elif isinstance(block, Paragraph):
            parts.append(_md_text(block.text))
        elif isinstance(block, Table):
            lines = ["| " + " | ".join(_md_text(c) for c in block.header) + " |"]
            aligns = ["---" if i < block.numeric_from else "---:" for i in range(len(block.header))]
            lines.append("|" + "|".join(aligns) + "|")
            lines += ["| " + " | ".join(_md_text(c) for c in row) + " |" for row in block.rows]
            parts.append("\n".join(lines))
        else:
            parts.append(f"![{_md_text(block.alt)}]({block.name})")
    parts.append(f"Written by newsclf {__version__}.")
    return "\n\n".join(parts) + "\n"


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; display: block; margin: 1em 0; }
footer { color: #777; font-size: 0.9em; margin-top: 2em; }
"""


def _html(blocks: Iterable[Block], title: str, charts: Mapping[str, bytes]) -> str:
    esc = html.escape
    body = []
    for block in blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            body.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, Table):
            rows = ["<tr>" + "".join(f"<th>{esc(c)}</th>" for c in block.header) + "</tr>"]
            for row in block.rows:
                cells = (
                    f'<td class="num">{esc(c)}</td>' if i >= block.numeric_from else f"<td>{esc(c)}</td>"
                    for i, c in enumerate(row)
                )
                rows.append("<tr>" + "".join(cells) + "</tr>")
            body.append("<table>\n" + "\n".join(rows) + "\n</table>")
        else:
            data = base64.b64encode(charts[block.name]).decode("ascii")
            body.append(f'<img src="data:image/png;base64,{data}" alt="{esc(block.alt)}">')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + f"\n<footer>Written by newsclf {esc(__version__)}.</footer>\n</body>\n</html>\n"
    )


def write_document(
    directory: str | os.PathLike[str],
    blocks: Iterable[Block],
    *,
    charts: Mapping[str, bytes],
    format: Literal["md", "html"] = "md",
    title: str,
    stem: str = "report",
) -> Path:
    """Write the PNG ``charts``, then ``blocks`` as ``<stem>.md`` or ``<stem>.html``, into ``directory``.

    The charts are written first and the document last, each atomically, so a document only
    ever sits beside complete charts.
    """
    if format not in ("md", "html"):
        raise ValueError(f"format must be 'md' or 'html', not {format!r}")
    path = check_report_dir(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create the report directory: {exc.strerror or exc}") from None
    blocks = list(blocks)
    for name, data in charts.items():
        with atomic_write(path / name, "wb") as handle:
            handle.write(data)
    text = _markdown(blocks) if format == "md" else _html(blocks, title, charts)
    target = path / f"{stem}.{format}"
    with atomic_write(target, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return target
