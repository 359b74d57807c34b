"""Renamed parameters: the old name keeps working for one release, with a FutureWarning."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["UNSET", "renamed"]


class _Unset:
    """The default of a deprecated parameter: tells "not passed" from any value."""

    def __repr__(self) -> str:
        return "<unset>"


UNSET: Any = _Unset()


def renamed(
    old: str, new: str, old_value: Any, new_value: Any, default: Any, *, removed_in: str = "0.4"
) -> Any:
    """Return the value to use for parameter ``new``, given what was passed as ``old`` and ``new``.

    Passing the old name warns (``FutureWarning``: users, not just developers, should see it);
    passing it with a non-default ``new`` is an error.
    """
    if old_value is UNSET:
        return new_value
    if new_value != default:
        raise TypeError(f"pass {new}= only; {old}= is its old name")
    warnings.warn(
        f"{old}= is renamed {new}= (scikit-learn's name); {old}= stops working in newsclf {removed_in}",
        FutureWarning,
        stacklevel=3,
    )
    return old_value
