"""``DictAction``: parse ``--cfg-options a.b=1 c=[1,2]`` into a dict."""

from __future__ import annotations

import copy
from argparse import Action

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime (import cost)
    from typing import Any, Union

__all__ = ["DictAction"]


class _ImbalancedBrackets(ValueError, AssertionError):
    """Brackets of a ``KEY=VALUE`` option do not match."""


class _BadOption(ValueError, AssertionError):
    """A malformed ``KEY=VALUE`` option: the message names the option and shows the fix.

    Raised out of ``parse_args`` as 0.10 did (its ``AssertionError`` for unbalanced brackets,
    its ``ValueError`` for a missing ``=``), so code and tests that catch those still do;
    ``mmengine-ng``'s own command lines turn it into a usage error (exit code 2).
    """

    def __init__(self, action: Action, message: str) -> None:
        flag = "/".join(action.option_strings) or action.dest
        super().__init__(f"argument {flag}: {message}")


class DictAction(Action):
    """argparse action to split an argument into KEY=VALUE form on the first =
    and append to a dictionary.

    List options can be passed as comma separated values, i.e.
    ``'KEY=V1,V2,V3'``, or with explicit brackets, i.e. ``'KEY=[V1,V2,V3]'``.
    It also support nested brackets to build list/tuple values. e.g.
    ``'KEY=[(V1,V2),(V3,V4)]'``. Scalars are converted to ``int``, ``float``,
    ``bool`` (``true``/``false`` in any case) or ``None`` (``None``) when
    possible; surrounding quotes are stripped and spaces removed.

    Examples:
        >>> import argparse
        >>> from mmengine.config import DictAction
        >>> parser = argparse.ArgumentParser()
        >>> _ = parser.add_argument('--cfg-options', nargs='+', action=DictAction)
        >>> args = parser.parse_args(['--cfg-options', 'a=1', 'b.c=[1,2]', 'd=(1,2)'])
        >>> args.cfg_options
        {'a': 1, 'b.c': [1, 2], 'd': (1, 2)}
    """

    @staticmethod
    def _parse_int_float_bool(val: str) -> Union[int, float, bool, Any]:
        """Convert a scalar string to int, float, bool or None if possible."""
        try:
            return int(val)
        except ValueError:
            pass
        try:
            return float(val)
        except ValueError:
            pass
        if val.lower() in ("true", "false"):
            return val.lower() == "true"
        if val == "None":
            return None
        return val

    @staticmethod
    def _find_next_comma(string: str) -> int:
        """Index of the first comma outside brackets (``len`` if none)."""
        if string.count("(") != string.count(")") or string.count("[") != string.count("]"):
            raise _ImbalancedBrackets(f"Imbalanced brackets exist in {string}")
        paren = square = 0
        for idx, char in enumerate(string):
            if char == "(":
                paren += 1
            elif char == ")":
                paren -= 1
            elif char == "[":
                square += 1
            elif char == "]":
                square -= 1
            elif char == "," and paren == 0 and square == 0:
                return idx
        return len(string)

    @staticmethod
    def _parse_iterable(val: str) -> Union[list, tuple, Any]:
        """Parse ``'[a,(b,c)]'``-like strings into nested lists/tuples.

        Args:
            val (str): The value string.

        Returns:
            list, tuple or scalar: The parsed value.

        Examples:
            >>> from mmengine.config import DictAction
            >>> DictAction._parse_iterable('1,2,3')
            [1, 2, 3]
            >>> DictAction._parse_iterable('[a, b, c]')
            ['a', 'b', 'c']
            >>> DictAction._parse_iterable('[(1, 2, 3), [a, b], c]')
            [(1, 2, 3), ['a', 'b'], 'c']
        """
        val = val.strip("'\"").replace(" ", "")
        is_tuple = False
        if val.startswith("(") and val.endswith(")"):
            is_tuple = True
            val = val[1:-1]
        elif val.startswith("[") and val.endswith("]"):
            val = val[1:-1]
        elif "," not in val:
            return DictAction._parse_int_float_bool(val)

        values = []
        while val:
            comma = DictAction._find_next_comma(val)
            values.append(DictAction._parse_iterable(val[:comma]))
            val = val[comma + 1 :]
        return tuple(values) if is_tuple else values

    def __call__(self, parser, namespace, values, option_string=None):
        """Parse ``KEY=VALUE`` strings and merge them into the namespace.

        Args:
            parser (ArgumentParser): The parser.
            namespace (Namespace): Where the dict is stored.
            values (str or list[str]): The ``KEY=VALUE`` strings.
            option_string (str, optional): The option flag.
        """
        # Like argparse's "extend": several occurrences accumulate.
        options = copy.copy(getattr(namespace, self.dest, None) or {})
        if values is not None:
            if isinstance(values, str):
                values = [values]
            flag = option_string or self.dest
            example = f'(e.g. {flag} optimizer.lr=0.01 model.depths="[1,2]")'
            for kv in values:
                key, sep, val = kv.partition("=")
                if not sep:
                    raise _BadOption(self, f"expected KEY=VALUE, but got {kv!r} {example}")
                if not key.strip():
                    raise _BadOption(
                        self,
                        f"the key is empty in {kv!r}: write the dotted config key before "
                        f"'=' {example}",
                    )
                try:
                    options[key] = self._parse_iterable(val)
                except _ImbalancedBrackets as e:
                    raise _BadOption(
                        self,
                        f"{kv!r}: {e}; each bracket must be closed, as in a=[1,2] or a=(1,[2,3])",
                    ) from None
        setattr(namespace, self.dest, options)


# Pickles/deep paths refer to ``mmengine.config.config.DictAction``.
DictAction.__module__ = "mmengine.config.config"
