"""Error classes shown as builtins and with their message as written."""

from mmengine.utils._builtin_names import PlainMessage, show_as_builtins


class _Missing(PlainMessage, KeyError, AttributeError):
    pass


show_as_builtins((_Missing, "KeyError"))


def test_plain_message_is_the_message_not_a_quoted_key():
    err = _Missing("no key 'x' in the config: add it")
    assert str(err) == "no key 'x' in the config: add it"
    assert str(KeyError("no key 'x'")) == "\"no key 'x'\""  # what KeyError alone shows
    assert str(_Missing("a", "b")) == str(KeyError("a", "b"))  # several args: as KeyError


def test_shown_as_the_builtin_and_still_caught_as_each_base():
    assert type(_Missing("m")).__name__ == "KeyError" and _Missing.__module__ == "builtins"
    for base in (KeyError, AttributeError, LookupError):
        try:
            raise _Missing("m")
        except base:
            pass
