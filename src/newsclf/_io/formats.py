"""File formats by name and by extension: the one table that says how a file is read or written."""

from __future__ import annotations

from pathlib import Path

from .._errors import DataError

__all__ = ["INPUT_FORMATS", "OUTPUT_EXTENSIONS", "OUTPUT_FORMATS", "input_format", "output_format"]

#: Input formats by name.
INPUT_FORMATS = ("txt", "csv", "tsv", "jsonl", "parquet")

#: Output formats by name.
OUTPUT_FORMATS = ("csv", "jsonl", "parquet")

#: Every extension newsclf knows, and its format (``.gz`` is looked through, for input).
EXTENSIONS = {
    ".txt": "txt",
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

#: The extensions an output may have, and the format each implies (``.txt``: CSV is text).
OUTPUT_EXTENSIONS = {**{ext: fmt for ext, fmt in EXTENSIONS.items() if fmt in OUTPUT_FORMATS}, ".txt": "csv"}


def _extension_format(name: str) -> str | None:
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return EXTENSIONS.get(suffixes[-1]) if suffixes else None


def input_format(name: str, fmt: str | None = None) -> str:
    """Return the format of input ``name``: ``fmt`` if given, else the one its extension implies."""
    if fmt is not None:
        if fmt not in INPUT_FORMATS:
            raise DataError(f"unknown input format {fmt!r}; use one of {', '.join(INPUT_FORMATS)}")
        return fmt
    found = _extension_format(name)
    if found is None:
        raise DataError(
            f"{name}: cannot tell the input format from the file name; pass --input-format "
            f"(one of {', '.join(INPUT_FORMATS)})"
        )
    return found


def output_format(output: str | None, fmt: str | None = None) -> str:
    """Return the output format: ``fmt`` if given, else implied by the output's extension.

    Standard output (``None`` or ``"-"``) and a name without an extension (``/dev/stdout``,
    ``tagged``) get CSV, as does ``.txt``. Any other extension must be one of
    :data:`OUTPUT_EXTENSIONS`: a
    ``.xlsx`` or ``.csv.gz`` output is refused rather than silently written as plain CSV.

    Raises
    ------
    DataError
        ``fmt`` is unknown, or ``output``'s extension names no output format; the message
        lists the supported formats.
    """
    if fmt:
        if fmt not in OUTPUT_FORMATS:
            raise DataError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
        return fmt
    if not output or output == "-":
        return "csv"
    suffix = Path(output).suffix.lower()
    if not suffix:
        return "csv"
    found = OUTPUT_EXTENSIONS.get(suffix)
    if found is None:
        known = ", ".join(f"{name} ({', '.join(e for e, f in EXTENSIONS.items() if f == name)})"
                          for name in OUTPUT_FORMATS)  # fmt: skip
        raise DataError(
            f"{output}: cannot write a {suffix} file; the output formats are {known}: "
            f"name the output so, or pass --format"
        )
    return found
