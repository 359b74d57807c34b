"""Loading models: a file into a ``NewsClassifier`` or a lean ``Predictor``, cached where it pays.

:func:`load_model` gives the scikit-learn estimator (and so imports scikit-learn); prediction
tasks call :func:`resolve_model`, which gives a :class:`~newsclf._model.predictor.Predictor`
for a path or the bundled model and imports neither scikit-learn nor pandas.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import ArtifactError
from .fileformat import StoredModel, read_model
from .predictor import LinearTopics, Predictor

if TYPE_CHECKING:
    from .classifier import NewsClassifier

__all__ = [
    "CACHE_SIZE",
    "DEFAULT_MODEL_NAME",
    "bundled_model_path",
    "clear_cache",
    "load_model",
    "load_predictor",
    "resolve_model",
]

_BUNDLED_NAME = "default.newsclf"
_bundled: NewsClassifier | None = None
_bundled_predictor: Predictor | None = None
_bundled_lock = threading.Lock()

#: What ``--model default`` (and ``model="default"``) names: the bundled model.
DEFAULT_MODEL_NAME = "default"

#: How many models loaded from paths :func:`resolve_model` keeps (least recently used dropped first).
CACHE_SIZE = 4

# (resolved path, st_mtime_ns, st_size, st_ino) -> model; guarded by _cache_lock.
_CacheKey = tuple[str, int, int, int]
_cache: OrderedDict[_CacheKey, Predictor] = OrderedDict()
_cache_lock = threading.Lock()


def bundled_model_path() -> Path:
    """Return the path of the model file shipped inside the package."""
    return Path(str(resources.files("newsclf") / "models" / _BUNDLED_NAME))


def _load_file(path: str | os.PathLike[str], allow_pickle: bool = False) -> NewsClassifier:
    from .classifier import NewsClassifier, new_from_state  # scikit-learn: only for the estimator

    stored = read_model(path, allow_pickle=allow_pickle)
    if isinstance(stored, StoredModel):
        return new_from_state(stored)
    if not isinstance(stored, NewsClassifier):
        raise ArtifactError(f"{path}: holds a {type(stored).__name__}, not a NewsClassifier")
    return stored


def _read_predictor(path: str | os.PathLike[str]) -> Predictor:
    stored = read_model(path, allow_pickle=False)
    assert isinstance(stored, StoredModel)  # allow_pickle=False reads the newsclf format only
    return Predictor(stored)


def load_model(path: str | os.PathLike[str] | None = None, *, allow_pickle: bool = False) -> NewsClassifier:
    """Load a saved model, or the bundled default model when ``path`` is None.

    The bundled model is read once and cached; so is ``"default"``, which names it (unless a
    file of that name exists). Any other path is read on every call and gives a new object of
    its own; ``classify``, ``tag_file`` and ``tag_frame`` given a path cache it instead (see
    :func:`resolve_model`). ``allow_pickle=True`` also accepts joblib files: only for files you trust.

    Raises
    ------
    ArtifactError
        The file is missing, a directory, not a model file, damaged, or made by a newer
        newsclf; the message says which.
    """
    global _bundled
    if path is not None and not _is_default(path):
        return _load_file(path, allow_pickle=allow_pickle)
    with _bundled_lock:
        if _bundled is None:
            _bundled = _load_file(bundled_model_path())
        return _bundled


def _is_default(path: str | os.PathLike[str]) -> bool:
    # "default" names the bundled model, unless a file of that name is there.
    return isinstance(path, str) and path == DEFAULT_MODEL_NAME and not os.path.exists(path)


def load_predictor(path: str | os.PathLike[str] | None = None) -> Predictor:
    """Load a model file (the bundled one when ``path`` is None) for prediction only.

    The same scores as :func:`load_model`'s estimator, from numpy and scipy.sparse alone; the
    bundled model is read once and cached. Only the ``newsclf`` format is read (no pickles).
    """
    global _bundled_predictor
    if path is not None and not _is_default(path):
        return _read_predictor(path)
    with _bundled_lock:
        if _bundled_predictor is None:
            _bundled_predictor = _read_predictor(bundled_model_path())
        return _bundled_predictor


def _cache_key(path: str | os.PathLike[str]) -> _CacheKey | None:
    try:
        resolved = os.path.realpath(path)
        st = os.stat(resolved)
    except (OSError, TypeError, ValueError):
        return None  # let the loader raise its own clear error
    return (resolved, st.st_mtime_ns, st.st_size, st.st_ino)


def _load_cached(path: str | os.PathLike[str]) -> Predictor:
    """Load the model at ``path``, reusing the copy loaded earlier from the same, unchanged file.

    A file is the same when its resolved path, modification time, size and inode are: a model
    saved over the old one (a rename or an in-place write) is read anew. At most
    :data:`CACHE_SIZE` models are kept, the least recently used dropped first.
    """
    key = _cache_key(path)
    if key is None:
        return load_predictor(path)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    model = load_predictor(path)  # outside the lock: loading takes a while
    with _cache_lock:
        for stale in [k for k in _cache if k[0] == key[0]]:  # an older version of the same file
            del _cache[stale]
        _cache[key] = model
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return model


def clear_cache() -> None:
    """Forget every model :func:`resolve_model` loaded from a path (the bundled model stays)."""
    with _cache_lock:
        _cache.clear()


def resolve_model(model: LinearTopics | str | os.PathLike[str] | None) -> LinearTopics:
    """Return ``model`` itself, the model at a path, or (None or ``"default"``) the bundled model.

    A path or the bundled model gives a :class:`Predictor` (prediction only, no scikit-learn).
    A path is loaded once and cached while its file is unchanged (see :func:`_load_cached`), so
    ``classify(text, model="my.newsclf")`` in a loop reads the file once, not on every call.
    """
    if model is None:
        return load_predictor()
    if isinstance(model, LinearTopics):
        return model
    return _load_cached(model)
