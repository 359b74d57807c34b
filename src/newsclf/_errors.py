"""Exceptions raised by newsclf.

Every error a user can cause carries a message that says what is wrong and where
(file, line, column), so the command line can print it without a traceback.
"""

from __future__ import annotations

__all__ = ["ArtifactError", "DataError", "MissingDependencyError", "NewsclfError", "OutputError"]


class NewsclfError(Exception):
    """Base class of the errors newsclf raises on bad input."""


class DataError(NewsclfError, ValueError):
    """Input data (a CSV, a text file, a column, a label set) cannot be used."""


class ArtifactError(NewsclfError, ValueError):
    """A model file is missing, corrupt, truncated, inconsistent or too new."""


class MissingDependencyError(NewsclfError, ImportError):
    """An optional dependency a feature needs is not installed (the message says which extra)."""


class OutputError(NewsclfError, OSError):
    """An output file cannot be written where asked."""
