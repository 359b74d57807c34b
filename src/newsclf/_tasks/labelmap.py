"""Label maps: read one (JSON text, a JSON file or a two-column CSV) and fold labels with it."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .._errors import DataError
from .._io.tables import read_mapping

__all__ = ["fold_probabilities", "map_labels", "read_label_map"]


def read_label_map(value: str | os.PathLike[str]) -> dict[str, str]:
    """Return the label map ``value`` gives: inline JSON, a ``.json`` file, or a CSV/TSV file.

    JSON is an object of ``"from": "to"`` strings; a CSV/TSV file has the columns ``from``
    and ``to``.

    Raises
    ------
    DataError
        No such file, not JSON, not an object of strings, a CSV without those columns, an
        empty or repeated ``from`` label.
    """
    text = str(value)
    if text.lstrip().startswith("{"):
        return _checked_json(text, "--label-map")
    path = Path(text)
    if not path.is_file():
        raise DataError(
            f'{text}: no such label map file (give a file, or a JSON object such as \'{{"b": "economy"}}\')'
        )
    if path.suffix.lower() == ".json":
        try:
            return _checked_json(path.read_text(encoding="utf-8"), text)
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{text}: cannot read the label map ({exc})") from None
    return read_mapping(
        path, ("from", "to"), ("'from'", "'to'"), empty="empty 'from' label", repeated="is mapped twice"
    )


def _checked_json(text: str, where: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DataError(f"{where}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise DataError(f'{where}: a label map is a JSON object of strings, such as {{"b": "economy"}}')
    return {str(k): v for k, v in data.items()}


def map_labels(labels: Sequence[object], label_map: Mapping[str, str]) -> list[str]:
    """Return ``labels`` as strings, each replaced by its entry in ``label_map`` if it has one."""
    return [label_map.get(str(label), str(label)) for label in labels]


def fold_probabilities(
    proba: np.ndarray, classes: Sequence[object], label_map: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Fold a model's probabilities onto the mapped labels: each target gets the sum of its sources.

    Returns the mapped labels (sorted) and the folded probabilities, shape ``(n, n_targets)``.
    """
    mapped = map_labels(classes, label_map)
    targets = np.asarray(sorted(set(mapped)), dtype=object)
    index = {label: i for i, label in enumerate(targets)}
    fold = np.zeros((len(mapped), len(targets)))
    fold[np.arange(len(mapped)), [index[m] for m in mapped]] = 1.0
    return targets, proba @ fold
