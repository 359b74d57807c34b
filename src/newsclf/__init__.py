"""newsclf: tag news headlines with topics.

>>> from newsclf import classify
>>> classify("Arsenal sign Brazilian midfielder on five-year deal").label  # doctest: +SKIP
'sport'

The public API is what ``__all__`` lists; every ``_module`` is private. Names are imported on
first use (PEP 562), so ``import newsclf`` and ``newsclf --version`` stay fast: scikit-learn
and pandas load only for the tasks that need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._errors import ArtifactError, DataError, MissingDependencyError, NewsclfError, OutputError
    from ._io.records import Status
    from ._model.classifier import Contribution, NewsClassifier
    from ._model.loading import bundled_model_path, load_model
    from ._tasks.calibration import CalibrationBin
    from ._tasks.classify import Prediction, classify
    from ._tasks.evaluate import ClassScores, EvaluationReport
    from ._tasks.frame import tag_frame
    from ._tasks.tag import TagSummary, tag_file
    from ._tasks.topics import topics
    from ._tasks.train import TrainResult, evaluate, train
    from ._version import show_versions

#: Where each public name lives (imported on first access).
_LAZY = {
    "ArtifactError": "._errors",
    "DataError": "._errors",
    "MissingDependencyError": "._errors",
    "NewsclfError": "._errors",
    "OutputError": "._errors",
    "Status": "._io.records",
    "Contribution": "._model.classifier",
    "NewsClassifier": "._model.classifier",
    "CalibrationBin": "._tasks.calibration",
    "Prediction": "._tasks.classify",
    "bundled_model_path": "._model.loading",
    "classify": "._tasks.classify",
    "load_model": "._model.loading",
    "ClassScores": "._tasks.evaluate",
    "EvaluationReport": "._tasks.evaluate",
    "tag_frame": "._tasks.frame",
    "TagSummary": "._tasks.tag",
    "tag_file": "._tasks.tag",
    "topics": "._tasks.topics",
    "TrainResult": "._tasks.train",
    "evaluate": "._tasks.train",
    "train": "._tasks.train",
    "show_versions": "._version",
}

__all__ = [
    "ArtifactError",
    "CalibrationBin",
    "ClassScores",
    "Contribution",
    "DataError",
    "EvaluationReport",
    "MissingDependencyError",
    "NewsClassifier",
    "NewsclfError",
    "OutputError",
    "Prediction",
    "Status",
    "TagSummary",
    "TrainResult",
    "__version__",
    "bundled_model_path",
    "classify",
    "evaluate",
    "load_model",
    "show_versions",
    "tag_file",
    "tag_frame",
    "topics",
    "train",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsclf' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # next time, a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
