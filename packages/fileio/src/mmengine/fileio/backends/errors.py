"""Exceptions raised by the backend registry and URI parsing.

Both derive from :class:`KeyError` *and* :class:`ValueError`: upstream
MMEngine raised one or the other in different places (``FileClient`` a
``KeyError`` for duplicates, ``register_backend`` a ``ValueError``, a bare
table lookup a ``KeyError``), so code catching either keeps working.
"""

from __future__ import annotations


class _RegistryError(KeyError, ValueError):
    def __str__(self) -> str:
        # KeyError would show the repr() of the message, quotes and all.
        return str(self.args[0]) if self.args else ""


class BackendNotFoundError(_RegistryError):
    """No storage backend is registered under a name or URI prefix."""


class DuplicateBackendError(_RegistryError):
    """A backend name or prefix is already registered and ``force`` is False."""


class PathTypeError(TypeError, AssertionError):
    """A path argument is neither a ``str`` nor a :class:`pathlib.Path`.

    Also an :class:`AssertionError`, which upstream MMEngine raised here.
    """


class PrefixesTypeError(TypeError, AssertionError):
    """``prefixes`` of a backend registration is not a str or list/tuple of str.

    Also an :class:`AssertionError`, which upstream MMEngine raised here.
    """


class ValueAssertionError(ValueError, AssertionError):
    """A wrong argument value where upstream MMEngine raised an ``AssertionError``.

    A :class:`ValueError` (what the problem is) that ``except AssertionError``
    still catches.
    """


class UnsupportedOperationError(NotImplementedError, AttributeError):
    """A backend does not implement an operation of the file API.

    Also an :class:`AttributeError`, which upstream MMEngine raised here (the
    backend has no such method).
    """


class BackendArgsTypeError(TypeError, ValueError):
    """``backend_args`` is not a dict.

    A :class:`TypeError` as upstream MMEngine raised (``argument after **
    must be a mapping``), and also a :class:`ValueError`, which it raised
    instead when no uri was given.
    """


def check_backend_name(name: object, func: str) -> None:
    """Refuse a ``name`` that is not a str, before ``register_backend`` returns.

    Used bare as a decorator (``@register_backend`` without ``('name')``),
    ``register_backend`` receives the class as ``name`` and would replace it
    with the decorator function, registering nothing.

    Raises:
        TypeError: If ``name`` is not a str.
    """
    if isinstance(name, str):
        return
    hint = ""
    if isinstance(name, type):
        hint = (
            f"; it looks like @{func} was used without a name: write "
            f"@{func}('<name>') above class {name.__name__}"
        )
    raise TypeError(f"the backend name should be a string, but got {type(name)}{hint}")


# Exception class -> its subclass that appends a context sentence to the message.
_WITH_CONTEXT: dict[type, type] = {}


def _context_class(cls: type) -> type:
    sub = _WITH_CONTEXT.get(cls)
    if sub is not None:
        return sub

    def __str__(self: BaseException) -> str:
        return f"{cls.__str__(self)}{self.__dict__.get('_mm_context', '')}"

    def __reduce__(self: BaseException) -> object:
        # Pickle (e.g. across worker processes) as the original class.
        reduced = cls.__reduce__(self)
        if isinstance(reduced, tuple) and reduced and reduced[0] is sub:
            reduced = (cls, *reduced[1:])
        return reduced

    sub = type(
        cls.__name__,
        (cls,),
        {
            "__str__": __str__,
            "__reduce__": __reduce__,
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
        },
    )
    _WITH_CONTEXT[cls] = sub
    return sub


def with_context(exc: BaseException, context: str) -> BaseException:
    """Return ``exc`` with ``context`` appended to its message, same class.

    The returned exception is an instance of a subclass of ``type(exc)``
    (named like it), so ``except`` clauses and ``pytest.raises`` written for
    the original class still match, and its attributes (``lineno``, ``pos``,
    ``errno`` ...) are kept. Raise it with ``.with_traceback(exc.__traceback__)``
    to keep the original frames. ``OSError`` (which already names its file),
    exceptions already carrying a context and classes that cannot be
    subclassed are returned unchanged; an exception that already carries a
    context gets ``context`` appended to it.

    Args:
        exc (BaseException): The exception to explain.
        context (str): Text appended to the message, e.g.
            ``" (while loading 'a.json' as json)"``.

    Returns:
        BaseException: The explained exception, or ``exc`` itself.
    """
    cls = type(exc)
    if isinstance(exc, OSError) or not isinstance(exc, Exception):
        return exc
    if "_mm_context" in exc.__dict__:
        exc.__dict__["_mm_context"] += context
        return exc
    try:
        sub = _context_class(cls)
        new = sub.__new__(sub, *exc.args)
        try:  # sets C-level fields (UnicodeDecodeError.start, ...)
            cls.__init__(new, *exc.args)
        except Exception:  # e.g. JSONDecodeError's args are only its message
            pass
        new.__dict__.update(exc.__dict__)
        for attr in ("name", "path", "obj"):  # ImportError / AttributeError fields
            if attr not in exc.__dict__ and getattr(exc, attr, None) is not None:
                setattr(new, attr, getattr(exc, attr))
        new.__dict__["_mm_context"] = context
        new.__cause__ = exc.__cause__
        new.__suppress_context__ = True
    except Exception:  # a class that cannot be subclassed or rebuilt: keep it
        return exc
    return new
