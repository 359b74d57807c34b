"""newsclf: tag news headlines with topics.

>>> from newsclf import classify
>>> classify("Arsenal sign Brazilian midfielder on five-year deal").label  # doctest: +SKIP
'sport'

The public API is what ``__all__`` lists; every ``_module`` is private.
"""

from ._errors import ArtifactError, DataError, MissingDependencyError, NewsclfError
from ._io.records import Status
from ._model.classifier import Contribution, NewsClassifier
from ._tasks.calibration import CalibrationBin
from ._tasks.classify import Prediction, bundled_model_path, classify, load_model
from ._tasks.evaluate import ClassScores, EvaluationReport
from ._tasks.frame import tag_frame
from ._tasks.tag import TagSummary, tag_file
from ._tasks.topics import topics
from ._tasks.train import TrainResult, evaluate, train
from ._version import __version__, show_versions

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
