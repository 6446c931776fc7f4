"""Globally accessible, named instances (``ManagerMixin``)."""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from typing import Any, TypeVar

_T = TypeVar("_T", bound="ManagerMixin")
T = TypeVar("T")  # upstream binds this name here

# One re-entrant lock guards every class's instance registry: creating an
# instance may itself call ``get_instance`` of another managed class.
_lock = threading.RLock()


def _accquire_lock() -> None:
    """Take the lock guarding instance creation (0.10's name, spelling included).

    ``get_instance`` takes it itself; code that builds several instances that must not race
    other threads may hold it around them and release it with :func:`_release_lock`.
    """
    _lock.acquire()


def _release_lock() -> None:
    """Release the lock taken by :func:`_accquire_lock`."""
    _lock.release()


def _init_param_names(cls: type) -> list[str]:
    """Names of the parameters ``cls.__init__`` accepts (cheap, no inspect)."""
    init = cls.__init__  # type: ignore[misc]
    code = getattr(init, "__code__", None)
    if code is not None and not hasattr(init, "__wrapped__"):
        count = code.co_argcount + code.co_kwonlyargcount
        return list(code.co_varnames[:count])
    import inspect

    spec = inspect.getfullargspec(init)
    return spec.args + spec.kwonlyargs


class ManagerMeta(type):
    """The metaclass for globally accessible classes.

    Every class created with this metaclass (and each of its subclasses) owns
    its own ``_instance_dict`` mapping instance names to instances, so that
    ``SubClass.get_instance('a')`` never returns an instance of a sibling
    class. The constructor of such a class must accept a ``name`` argument.

    Examples:
        >>> from mmengine.utils import ManagerMeta
        >>> class SubClass1(metaclass=ManagerMeta):
        ...     def __init__(self, *args, **kwargs):
        ...         pass
        Traceback (most recent call last):
            ...
        AssertionError: <class '...SubClass1'> must have the `name` argument: ...
        >>> class SubClass2(metaclass=ManagerMeta):
        ...     def __init__(self, name):
        ...         pass
    """

    def __init__(cls, *args: Any) -> None:
        cls._instance_dict: OrderedDict[str, Any] = OrderedDict()
        param_names = _init_param_names(cls)
        assert "name" in param_names, (
            f"{cls} must have the `name` argument: {cls.__name__}.__init__ needs it so that "
            "instances "
            f"can be fetched with {cls.__name__}.get_instance(name); got "
            f"parameters {param_names}."
        )
        super().__init__(*args)


class ManagerMixin(metaclass=ManagerMeta):
    """Base class for classes that need globally accessible instances.

    Subclasses get :meth:`get_instance` (create or fetch an instance by
    name) and :meth:`get_current_instance` (the most recently created
    instance). Access is thread-safe.

    Examples:
        >>> from mmengine.utils import ManagerMixin
        >>> class GlobalAccessible(ManagerMixin):
        ...     def __init__(self, name=''):
        ...         super().__init__(name)
        >>> instance_1 = GlobalAccessible.get_instance('name')
        >>> instance_2 = GlobalAccessible.get_instance('name')
        >>> assert id(instance_1) == id(instance_2)

    Args:
        name (str): Name of the instance. Defaults to ''.
    """

    def __init__(self, name: str = "", **kwargs: Any) -> None:
        assert isinstance(name, str) and name, (
            "name argument must be an non-empty string. "  # 0.10's sentence, then ours
            f"{type(self).__name__} got {name!r}."
        )
        self._instance_name = name

    @classmethod
    def get_instance(cls: type[_T], name: str, **kwargs: Any) -> _T:
        """Get the instance named ``name``, creating it if it does not exist.

        Examples:
            >>> from mmengine.utils import ManagerMixin
            >>> class GlobalAccessible(ManagerMixin):
            ...     pass
            >>> instance1 = GlobalAccessible.get_instance('name1')
            >>> instance1.instance_name
            'name1'
            >>> instance2 = GlobalAccessible.get_instance('name1')
            >>> assert id(instance1) == id(instance2)

        Args:
            name (str): Name of the instance.
            **kwargs: Arguments passed to the constructor when the instance
                is created. They are ignored (with a warning) when an
                instance with this name already exists.

        Returns:
            object: The instance corresponding to ``name``.
        """
        with _lock:
            assert isinstance(name, str), f"type of name should be str, but got {type(name)}"
            instance_dict = cls._instance_dict  # type: ignore[attr-defined]
            if name not in instance_dict:
                instance_dict[name] = cls(name=name, **kwargs)  # type: ignore[call-arg]
            elif kwargs:
                warnings.warn(
                    f"{cls} instance named of {name} has been created, the "
                    "method `get_instance` should not accept any other "
                    "arguments; the existing instance is returned and "
                    f"{sorted(kwargs)} are ignored.",
                    stacklevel=2,
                )
            return instance_dict[name]

    @classmethod
    def get_current_instance(cls: type[_T]) -> _T:
        """Get the most recently created instance.

        Examples:
            >>> from mmengine.utils import ManagerMixin
            >>> class GlobalAccessible(ManagerMixin):
            ...     pass
            >>> instance = GlobalAccessible.get_current_instance()
            Traceback (most recent call last):
                ...
            RuntimeError: Before calling GlobalAccessible.get_current_instance()...
            >>> instance = GlobalAccessible.get_instance('name1')
            >>> GlobalAccessible.get_current_instance().instance_name
            'name1'

        Returns:
            object: The latest created instance.

        Raises:
            RuntimeError: If no instance has been created by
                :meth:`get_instance` yet.
        """
        with _lock:
            instance_dict = cls._instance_dict  # type: ignore[attr-defined]
            if not instance_dict:
                raise RuntimeError(
                    f"Before calling {cls.__name__}.get_current_instance(), "
                    "you should call get_instance(name=xxx) at least once. "
                    "That call creates the instance this method returns."
                )
            name = next(reversed(instance_dict))
            return instance_dict[name]

    @classmethod
    def check_instance_created(cls, name: str) -> bool:
        """Check whether an instance named ``name`` has been created.

        Args:
            name (str): Name of the instance.

        Returns:
            bool: Whether the instance exists.
        """
        with _lock:
            return name in cls._instance_dict  # type: ignore[attr-defined]

    @property
    def instance_name(self) -> str:
        """str: Name of the instance."""
        return self._instance_name
