import pytest

from mmengine.runner import Priority, get_priority


def test_priority_values_match_upstream():
    assert [p.value for p in Priority] == [0, 10, 30, 40, 50, 60, 70, 90, 100]
    assert Priority.NORMAL.value == 50


@pytest.mark.parametrize(
    ("given", "expected"),
    [(0, 0), (100, 100), (Priority.HIGH, 30), ("low", 70), ("VERY_LOW", 90)],
)
def test_get_priority(given, expected):
    assert get_priority(given) == expected


def test_get_priority_errors():
    with pytest.raises(ValueError, match="between 0 and 100"):
        get_priority(101)
    # upstream's classes and leading sentences (compat A3)
    with pytest.raises(KeyError, match="'URGENT'"):
        get_priority("urgent")
    with pytest.raises(TypeError, match="^priority must be an integer or Priority enum value"):
        get_priority([10])
    with pytest.raises(TypeError):
        get_priority(1.5)
