"""fastText's input format: lowercased text with punctuation split off, ``__label__`` prefixes.

The preprocessing is the one of fastText's own text classification tutorial (punctuation
separated from words, everything lowercased): fastText splits on whitespace only, so without
it "oil," and "oil" would be two words. Training files and tagged text get the same treatment.
"""

from __future__ import annotations

import re

__all__ = ["LABEL_PREFIX", "fasttext_line", "fasttext_text"]

LABEL_PREFIX = "__label__"
_PUNCTUATION = re.compile(r"([.!?,'\"/()\[\]:;])")
_SPACES = re.compile(r"\s+")


def fasttext_text(text: str) -> str:
    """Return ``text`` as fastText reads it: punctuation split off, lowercase, one line."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(r" \1 ", text)).strip().lower()


def fasttext_line(text: str, label: str) -> str:
    """Return one line of a fastText supervised training file (without the newline).

    Raises
    ------
    ValueError
        ``label`` is empty or holds whitespace (fastText would read it as several tokens).
    """
    if not label or any(ch.isspace() for ch in label):
        raise ValueError(f"label {label!r} is empty or holds whitespace")
    return f"{LABEL_PREFIX}{label} {fasttext_text(text)}"
