"""Progress of a tagging run on stderr: rows, rows/s and, when the input's size is known, an ETA."""

from __future__ import annotations

import sys
from typing import IO, Any

__all__ = ["Progress"]


class Progress:
    """A progress bar counting rows, shown only when ``enabled``.

    The total is the row count when it is known (Parquet), else estimated from the bytes read
    for the rows written so far (each chunk's ``offset``) out of ``size``: for a regular file,
    compressed bytes for ``.gz``. Without either (a pipe), rows and rows/s only. The bar is
    created at the first update, so that worker processes are forked before its monitor
    thread starts.
    """

    def __init__(
        self,
        name: str,
        *,
        enabled: bool,
        total_rows: int | None = None,
        size: int | None = None,
        file: IO[str] | None = None,
    ) -> None:
        self._name = name
        self._enabled = enabled
        self._total_rows = total_rows
        self._size = size or None
        self._file = file
        self._bar: Any = None

    @classmethod
    def for_stderr(cls, name: str, *, quiet: bool, **source: Any) -> Progress:
        """Return a progress bar on stderr, enabled unless ``quiet`` or stderr is not a terminal."""
        stderr = sys.stderr
        enabled = not quiet and stderr is not None and stderr.isatty()
        return cls(name, enabled=enabled, **source)

    def estimate(self, rows: int, offset: int | None) -> int | None:
        """Return the total rows: exact, estimated from ``rows`` taking ``offset`` bytes, or None."""
        if self._total_rows is not None:
            return self._total_rows
        if self._size is None or not offset:
            return None
        return max(rows, round(rows * self._size / offset))

    def update(self, rows: int, offset: int | None = None) -> None:
        """Count ``rows`` more rows written, which end ``offset`` bytes into the input."""
        if not self._enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                desc=f"tagging {self._name}",
                total=self.estimate(rows, offset),
                initial=rows,
                unit=" rows",
                unit_scale=True,
                file=self._file or sys.stderr,
                dynamic_ncols=True,
                smoothing=0.1,
            )
            return
        total = self.estimate(self._bar.n + rows, offset)
        if total is not None:
            self._bar.total = total
        self._bar.update(rows)

    def close(self) -> None:
        """Remove the bar (the caller prints its own summary)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
