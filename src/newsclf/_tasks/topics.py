"""Topics as data: a model's labels and what each means, carried in its model card."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .._errors import DataError
from .._io.tables import read_mapping
from .._model.loading import resolve_model
from .._model.predictor import LinearTopics

if TYPE_CHECKING:
    from .._model.classifier import NewsClassifier

__all__ = ["read_descriptions", "set_descriptions", "topics"]


def topics(model: LinearTopics | str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Return the topics a model tags with, each with its one-line description.

    Parameters
    ----------
    model : NewsClassifier or path, optional
        Default: the bundled model. A retrained model carries its own labels and the
        descriptions it was trained with (``""`` where it has none).

    Examples
    --------
    >>> from newsclf import topics
    >>> topics()["energy"]  # doctest: +SKIP
    'oil, gas, coal, electricity, nuclear power, renewables, pipelines, fuel prices, OPEC, ...'
    """
    clf = resolve_model(model)
    descriptions = clf.card_.get("label_descriptions") or {}
    return {str(label): str(descriptions.get(str(label), "")) for label in clf.classes_}


def read_descriptions(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read a CSV/TSV file with ``label`` and ``description`` columns into a dict."""
    return read_mapping(
        path,
        ("label", "description"),
        ("label", "description"),
        empty="empty label",
        repeated="is described twice",
    )


def set_descriptions(model: NewsClassifier, descriptions: Mapping[str, str]) -> None:
    """Record ``descriptions`` of the model's labels in its card; unknown labels are an error."""
    labels = [str(label) for label in model.classes_]
    unknown = sorted(set(descriptions) - set(labels))
    if unknown:
        raise DataError(
            f"descriptions given for labels the training data does not have: {', '.join(map(repr, unknown))} "
            f"(its labels: {', '.join(labels)})"
        )
    model.card_["label_descriptions"] = {
        label: descriptions[label] for label in labels if label in descriptions
    }
