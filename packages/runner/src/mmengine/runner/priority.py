"""Hook priority levels."""

from __future__ import annotations

from enum import Enum

from mmengine.utils._builtin_names import PlainMessage


class Priority(Enum):
    """Hook priority levels: a smaller value runs earlier.

    +--------------+------------+
    | Level        | Value      |
    +==============+============+
    | HIGHEST      | 0          |
    | VERY_HIGH    | 10         |
    | HIGH         | 30         |
    | ABOVE_NORMAL | 40         |
    | NORMAL       | 50         |
    | BELOW_NORMAL | 60         |
    | LOW          | 70         |
    | VERY_LOW     | 90         |
    | LOWEST       | 100        |
    +--------------+------------+
    """

    HIGHEST = 0
    VERY_HIGH = 10
    HIGH = 30
    ABOVE_NORMAL = 40
    NORMAL = 50
    BELOW_NORMAL = 60
    LOW = 70
    VERY_LOW = 90
    LOWEST = 100


class UnknownPriorityError(PlainMessage, KeyError):
    """A priority name that is not a :class:`Priority` member (a ``KeyError``, as upstream)."""


def get_priority(priority: int | str | Priority) -> int:
    """Return the integer value of a priority given as int, name or :class:`Priority`.

    Args:
        priority (int or str or Priority): an int in [0, 100], a member name
            (case-insensitive, e.g. ``'normal'``) or a member.

    Returns:
        int: the priority value (a smaller value runs earlier).

    Raises:
        ValueError: an int outside [0, 100].
        KeyError: an unknown name.
        TypeError: any other type.
    """
    if isinstance(priority, int):
        if not 0 <= priority <= 100:
            raise ValueError(
                f"priority must be between 0 and 100 (got {priority}); use a value in [0, 100] "
                "or a Priority name"
            )
        return priority
    if isinstance(priority, Priority):
        return priority.value
    if isinstance(priority, str):
        try:
            return Priority[priority.upper()].value
        except KeyError:
            names = ", ".join(p.name for p in Priority)
            raise UnknownPriorityError(
                f"{priority.upper()!r} is not a priority name; choose one of {names}"
            ) from None
    raise TypeError(
        "priority must be an integer or Priority enum value "
        f"(a str naming a Priority also works), but got {type(priority).__name__}: {priority!r}"
    )
