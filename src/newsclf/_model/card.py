"""The model card: a human-readable JSON record of how a model was made and how it scores."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .._version import versions
from .params import params_to_json

__all__ = ["data_fingerprint", "fit_card"]


def data_fingerprint(texts: Sequence[str], labels: Collection[Any]) -> dict[str, Any]:
    r"""Summarise training data: rows, per-label counts and a sha256 of the (text, label) pairs.

    The hash is over the pairs in order, each as ``text \\t label \\n`` in UTF-8, so the same
    rows in the same order always give the same fingerprint whatever file they came from.
    """
    digest = hashlib.sha256()
    for text, label in zip(texts, labels):
        digest.update(f"{text}\t{label}\n".encode())
    counts = Counter(str(label) for label in labels)
    return {
        "rows": len(texts),
        "label_counts": dict(sorted(counts.items())),
        "sha256": digest.hexdigest(),
    }


def _created_at() -> str:
    # SOURCE_DATE_EPOCH makes rebuilt artifacts byte-identical (reproducible builds).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch else datetime.now(tz=UTC)
    return moment.replace(microsecond=0).isoformat()


def fit_card(
    params: Mapping[str, Any],
    classes: Iterable[object],
    n_features: int,
    texts: Sequence[str],
    labels: Collection[Any],
) -> dict[str, Any]:
    """Return the card of a freshly fitted model; training code adds metrics and sources.

    Parameters
    ----------
    params : mapping
        The model's hyperparameters (``get_params()``).
    classes : iterable
        Its labels, in ``classes_`` order.
    n_features : int
        Width of its feature space.
    texts, labels : sequence
        The training rows, for the data fingerprint.
    """
    return {
        "name": "newsclf model",
        "labels": [str(c) for c in classes],
        "label_descriptions": {},
        "training_data": data_fingerprint(texts, labels),
        "hyperparameters": params_to_json(dict(sorted(params.items()))),
        "n_features": n_features,
        "metrics": None,
        "sources": [],
        "versions": versions(),
        "created": _created_at(),
    }
