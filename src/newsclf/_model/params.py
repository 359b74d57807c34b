"""Say which hyperparameter values a NewsClassifier accepts: one set of rules for fit, save and load.

:data:`PARAMETER_RULES` holds, for every :class:`~newsclf.NewsClassifier` parameter, a test
and the words that describe the allowed values. ``NewsClassifier.fit`` checks its parameters
with :func:`check_params` (raising scikit-learn's ``InvalidParameterError``, in scikit-learn's
wording), ``save_model`` checks them again, and the ``.newsclf`` loader checks the stored
values with :func:`stored_value` and :func:`is_valid`. A value is therefore accepted by
``fit`` exactly when a model file holding it loads: no model can be fitted and saved and then
refused at load as "corrupt".

Why not scikit-learn's ``_parameter_constraints`` and ``_fit_context``:

- they are private API (``sklearn.utils._param_validation``, ``sklearn.base._fit_context``)
  whose behaviour has changed between the releases newsclf supports (``scikit-learn>=1.6``;
  1.9's ``_fit_context`` also enters a callback context);
- they are switched off by ``sklearn.set_config(skip_parameter_validation=True)``, and here
  validity is also a guarantee of the file format, so these checks must always run;
- several rules are not expressible with its public constraints (an ordered pair
  ``low <= high``, a *finite* positive float, bounds the file format imposes), and the loader
  must apply the very same rules to JSON values and report them as ``ArtifactError``.

Only scikit-learn's exception class is reused, so ``except InvalidParameterError`` catches
newsclf's errors too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from types import MappingProxyType
from typing import Any, Final

import numpy as np


def _invalid_parameter_error() -> type[Exception]:
    # Imported when first needed: loading a model checks its parameters with is_valid and must
    # not pull in scikit-learn (about 0.9 s) just for an exception class.
    try:  # scikit-learn >= 1.2: a ValueError and a TypeError, as its own estimators raise
        from sklearn.utils._param_validation import InvalidParameterError
    except ImportError:  # pragma: no cover - only if scikit-learn moves its private module

        class InvalidParameterError(ValueError, TypeError):  # type: ignore[no-redef]
            """A parameter of an estimator does not have a valid type or value."""

    return InvalidParameterError


def __getattr__(name: str) -> Any:  # PEP 562: InvalidParameterError, resolved on first use
    if name == "InvalidParameterError":
        return _invalid_parameter_error()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MAX_CHAR_WEIGHT",
    "MAX_ITER",
    "MAX_NGRAM",
    "MAX_SEED",
    "NGRAM_RANGES",
    "PARAMETER_RULES",
    "Rule",
    "check_params",
    "is_valid",
    "params_to_json",
    "stored_value",
]

#: Longest n-gram of either block: headline models use 1-6; longer ranges only cost time.
MAX_NGRAM: Final = 20

#: Largest ``char_weight``; the loader bounds every stored weight by the same figure.
MAX_CHAR_WEIGHT: Final = 1e6

#: Largest ``max_iter``: liblinear takes it as a C ``int``.
MAX_ITER: Final = 2**31 - 1

#: Largest ``random_state``: numpy's ``RandomState`` seeds are 32-bit (as ``LinearSVC`` checks).
MAX_SEED: Final = 2**32 - 1

#: The parameters that are n-gram ranges (tuples in Python, lists in JSON).
NGRAM_RANGES: Final = ("word_ngram_range", "char_ngram_range")


def _is_int(value: object) -> bool:
    """Python or numpy integer, but not a bool (``True`` is an ``int`` in Python)."""
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def _finite_float(value: object) -> float | None:
    """``value`` as a float if it is a finite Python or numpy number (not a bool), else None."""
    if not isinstance(value, Real) or isinstance(value, (bool, np.bool_)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        return None
    return number if math.isfinite(number) else None


def _is_bool(value: object) -> bool:
    return isinstance(value, (bool, np.bool_))


def _int_between(low: int, high: int) -> Callable[[object], bool]:
    return lambda value: _is_int(value) and low <= value <= high  # type: ignore[operator]


def _ngram_range(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and all(_is_int(v) for v in value)
        and 1 <= value[0] <= value[1] <= MAX_NGRAM
    )


def _min_df(value: object) -> bool:
    if _is_int(value):
        return value >= 1  # type: ignore[operator]
    number = _finite_float(value)
    return number is not None and 0.0 < number <= 1.0


def _positive_real(high: float) -> Callable[[object], bool]:
    def test(value: object) -> bool:
        number = _finite_float(value)
        return number is not None and 0.0 < number <= high

    return test


def _class_weight(value: object) -> bool:
    return value is None or (isinstance(value, str) and value == "balanced")


def _random_state(value: object) -> bool:
    return value is None or (_is_int(value) and 0 <= value <= MAX_SEED)  # type: ignore[operator]


@dataclass(frozen=True)
class Rule:
    """What one hyperparameter may be.

    Parameters
    ----------
    allowed : str
        The allowed values in words, completing "... must be ``allowed``".
    test : callable
        ``test(value)`` is True exactly when ``value`` is allowed.
    """

    allowed: str
    test: Callable[[object], bool]


_NGRAM_WORDS = f"a tuple (low, high) of ints with 1 <= low <= high <= {MAX_NGRAM}"

#: Every NewsClassifier hyperparameter and its rule (``tests/test_params.py`` checks that the
#: keys are exactly ``NewsClassifier().get_params()``).
PARAMETER_RULES: Final[Mapping[str, Rule]] = MappingProxyType(
    {
        "word_ngram_range": Rule(_NGRAM_WORDS, _ngram_range),
        "char_ngram_range": Rule(_NGRAM_WORDS, _ngram_range),
        "min_df": Rule(
            "an int >= 1 (a number of training texts) or a float in the range (0.0, 1.0] (a share of them)",
            _min_df,
        ),
        "sublinear_tf": Rule("a bool", _is_bool),
        "char_weight": Rule(
            f"a finite float in the range (0.0, {MAX_CHAR_WEIGHT:g}]", _positive_real(MAX_CHAR_WEIGHT)
        ),
        "strip_furniture": Rule("a bool", _is_bool),
        "C": Rule("a finite float > 0", _positive_real(math.inf)),
        "class_weight": Rule(
            "'balanced' or None (a dict of per-label weights is not supported: a .newsclf "
            "model file cannot store one)",
            _class_weight,
        ),
        "max_iter": Rule(f"an int in the range [1, {MAX_ITER}]", _int_between(1, MAX_ITER)),
        "random_state": Rule(
            f"an int in the range [0, {MAX_SEED}] or None (a numpy RandomState or Generator "
            "is not supported: a .newsclf model file cannot store one; pass its seed)",
            _random_state,
        ),
    }
)


def is_valid(name: str, value: object) -> bool:
    """Return whether ``value`` is allowed for the hyperparameter ``name`` (unknown names are not)."""
    rule = PARAMETER_RULES.get(name)
    return rule is not None and rule.test(value)


def check_params(params: Mapping[str, object], caller: str = "NewsClassifier") -> None:
    """Raise if any of ``params`` is not allowed; names without a rule are not checked.

    Parameters
    ----------
    params : mapping of str to object
        Hyperparameters by name, as ``get_params(deep=False)`` returns them.
    caller : str, default="NewsClassifier"
        Who takes the parameters, for the message.

    Raises
    ------
    InvalidParameterError
        A ``ValueError`` and a ``TypeError``, with scikit-learn's message: "The 'min_df'
        parameter of NewsClassifier must be ... Got 0 instead."
    """
    for name, value in params.items():
        rule = PARAMETER_RULES.get(name)
        if rule is not None and not rule.test(value):
            raise _invalid_parameter_error()(
                f"The {name!r} parameter of {caller} must be {rule.allowed}. Got {value!r} instead."
            )


def stored_value(name: str, value: object) -> object:
    """Return a hyperparameter as read from JSON in its Python form (n-gram ranges as tuples).

    The result is what :func:`is_valid` judges and what the loaded estimator holds.
    """
    if name in NGRAM_RANGES and isinstance(value, list):
        return tuple(value)
    return value


def _json_value(value: object) -> object:
    if isinstance(value, (tuple, list)):
        return [_json_value(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, str):
        return str(value)  # numpy.str_ -> str
    return value


def params_to_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return hyperparameters as plain JSON data: tuples as lists, numpy scalars as Python ones.

    ``json`` cannot write numpy integers, and a tuple comes back from JSON as a list (see
    :func:`stored_value`). Plain Python values are returned unchanged, so a model with such
    parameters is written byte for byte as before.
    """
    return {name: _json_value(value) for name, value in params.items()}
