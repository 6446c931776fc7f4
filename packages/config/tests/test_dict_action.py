import argparse

import pytest

from mmengine.config import DictAction


def parse(*args):
    parser = argparse.ArgumentParser()
    parser.add_argument("--options", nargs="+", action=DictAction)
    return parser.parse_args(["--options", *args]).options


def test_scalars_and_iterables():
    opts = parse(
        "a=1", "b.c=[1,2]", "d=(1,2)", "e=True", "f=None", 'g="str"', "h=0.5", "i=false", "j=abc"
    )
    assert opts == {
        "a": 1,
        "b.c": [1, 2],
        "d": (1, 2),
        "e": True,
        "f": None,
        "g": "str",
        "h": 0.5,
        "i": False,
        "j": "abc",
    }
    assert type(opts["a"]) is int and type(opts["h"]) is float


def test_nested_and_comma_lists():
    opts = parse("a=1,2,3", "b=[(1,2),(3,4)]", "c=[[1,2],[3,[4,5]]]", "d=[]", "e=()", "f=(1)")
    assert opts["a"] == [1, 2, 3]
    assert opts["b"] == [(1, 2), (3, 4)]
    assert opts["c"] == [[1, 2], [3, [4, 5]]]
    assert opts["d"] == []
    assert opts["e"] == ()
    assert opts["f"] == (1,)


def test_quotes_and_spaces_are_stripped():
    opts = parse("a='[1, 2, 3]'", 'b="(a, b)"', "c=[ 'x', \"y\" ]")
    assert opts == {"a": [1, 2, 3], "b": ("a", "b"), "c": ["x", "y"]}


def test_value_split_on_first_equal_sign():
    assert parse("a=b=c") == {"a": "b=c"}


def test_repeated_option_extends():
    parser = argparse.ArgumentParser()
    parser.add_argument("--options", nargs="+", action=DictAction)
    args = parser.parse_args(["--options", "a=1", "--options", "b=2", "a=3"])
    assert args.options == {"a": 3, "b": 2}


@pytest.mark.parametrize("exit_on_error", [True, False])
def test_imbalanced_brackets_and_missing_equal_sign(exit_on_error):
    # the error reaches the caller of parse_args with upstream's classes, as in 0.10
    parser = argparse.ArgumentParser(exit_on_error=exit_on_error)
    parser.add_argument("--options", nargs="+", action=DictAction)
    with pytest.raises(AssertionError, match="--options: 'a=.*Imbalanced brackets"):
        parser.parse_args(["--options", "a=[(1,2]"])
    with pytest.raises(AssertionError, match="Imbalanced brackets"):
        parser.parse_args(["--options", "item2.a=[(a,b), [1,2], false"])
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parser.parse_args(["--options", "novalue"])


def test_parse_iterable_static_helper():
    assert DictAction._parse_iterable("[(1, 2, 3), [a, b], c]") == [(1, 2, 3), ["a", "b"], "c"]
    assert DictAction._parse_int_float_bool("1e-3") == 0.001


def test_default_and_single_value_without_nargs():
    parser = argparse.ArgumentParser()
    parser.add_argument("--opts", nargs="+", action=DictAction, default={"a": 1})
    parser.add_argument("--one", action=DictAction)
    assert parser.parse_args([]).opts == {"a": 1}
    args = parser.parse_args(["--opts", "b=2", "--one", "c=[1,2]"])
    assert args.opts == {"a": 1, "b": 2}
    assert args.one == {"c": [1, 2]}
