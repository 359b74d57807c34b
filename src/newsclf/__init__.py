"""newsclf: tag news headlines with topics.

>>> from newsclf import classify
>>> classify("Arsenal sign Brazilian midfielder on five-year deal").label  # doctest: +SKIP
'sport'

The public API is what ``__all__`` lists; every ``_module`` is private.
"""

from ._classifier import Contribution, NewsClassifier
from ._errors import ArtifactError, DataError, MissingDependencyError, NewsclfError
from ._evaluation import ClassScores, EvaluationReport
from ._frame import tag_frame
from ._prediction import Prediction, bundled_model_path, classify, load_model
from ._records import Status
from ._tagging import TagSummary, tag_file
from ._training import TrainResult, evaluate, train
from ._version import __version__
from ._versions import show_versions

__all__ = [
    "ArtifactError",
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
    "train",
]
