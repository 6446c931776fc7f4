"""Hook priority levels."""

from __future__ import annotations

from enum import Enum


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


def get_priority(priority: int | str | Priority) -> int:
    """Return the integer value of a priority given as int, name or :class:`Priority`.

    Raises:
        ValueError: an int outside [0, 100] or an unknown name.
        TypeError: any other type.
    """
    if isinstance(priority, bool):
        raise TypeError("priority must be an integer, a str or a Priority, not a bool")
    if isinstance(priority, int):
        if not 0 <= priority <= 100:
            raise ValueError(f"priority must be between 0 and 100, got {priority}")
        return priority
    if isinstance(priority, Priority):
        return priority.value
    if isinstance(priority, str):
        try:
            return Priority[priority.upper()].value
        except KeyError:
            names = ", ".join(p.name for p in Priority)
            raise ValueError(f"unknown priority {priority!r}; choose one of {names}") from None
    raise TypeError(f"priority must be an integer, a str or a Priority, got {type(priority)}")
