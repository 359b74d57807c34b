"""Loading models: a file into a fitted ``NewsClassifier``, and the bundled default model (cached)."""

from __future__ import annotations

import os
import threading
from importlib import resources
from pathlib import Path

from .._errors import ArtifactError
from .classifier import NewsClassifier, new_from_state
from .fileformat import StoredModel, read_model

__all__ = ["bundled_model_path", "load_model", "resolve_model"]

_BUNDLED_NAME = "default.newsclf"
_bundled: NewsClassifier | None = None
_bundled_lock = threading.Lock()


def bundled_model_path() -> Path:
    """Return the path of the model file shipped inside the package."""
    return Path(str(resources.files("newsclf") / "models" / _BUNDLED_NAME))


def _load_file(path: str | os.PathLike[str], allow_pickle: bool = False) -> NewsClassifier:
    stored = read_model(path, allow_pickle=allow_pickle)
    if isinstance(stored, StoredModel):
        return new_from_state(
            stored.params, stored.features, stored.classes, stored.coef, stored.intercept, stored.card
        )
    if not isinstance(stored, NewsClassifier):
        raise ArtifactError(f"{path}: holds a {type(stored).__name__}, not a NewsClassifier")
    return stored


def load_model(path: str | os.PathLike[str] | None = None, *, allow_pickle: bool = False) -> NewsClassifier:
    """Load a saved model, or the bundled default model when ``path`` is None.

    The bundled model is read once and cached; a path is read on every call.
    ``allow_pickle=True`` also accepts joblib files: only for files you trust.

    Raises
    ------
    ArtifactError
        The file is missing, a directory, not a model file, damaged, or made by a newer
        newsclf; the message says which.
    """
    global _bundled
    if path is not None:
        return _load_file(path, allow_pickle=allow_pickle)
    with _bundled_lock:
        if _bundled is None:
            _bundled = _load_file(bundled_model_path())
        return _bundled


def resolve_model(model: NewsClassifier | str | os.PathLike[str] | None) -> NewsClassifier:
    """Return ``model`` itself, the model at a path, or (None) the bundled model."""
    if model is None:
        return load_model()
    if isinstance(model, NewsClassifier):
        return model
    return load_model(model)
