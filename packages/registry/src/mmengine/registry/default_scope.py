"""``DefaultScope``: the globally accessible scope of the current task."""

from __future__ import annotations

import itertools
from collections.abc import Generator
from contextlib import contextmanager
from typing import Optional

from mmengine.utils import ManagerMixin
from mmengine.utils.manager import _accquire_lock, _release_lock  # noqa: F401 (0.10's names)

from ._exceptions import RegistryTypeError

_overwrite_counter = itertools.count()


class DefaultScope(ManagerMixin):
    """Scope of current task used to reset the current registry, which can be
    accessed globally.

    Consider the case of resetting the current ``Registry`` by
    ``default_scope`` in the internal module which cannot access runner
    directly, it is difficult to get the ``default_scope`` defined in
    ``Runner``. However, if ``Runner`` created ``DefaultScope`` instance by
    given ``default_scope``, the internal module can get ``default_scope`` by
    ``DefaultScope.get_current_instance`` everywhere.

    Args:
        name (str): Name of default scope for global access.
        scope_name (str): Scope of current task.

    Examples:
        >>> from mmengine.registry import DefaultScope
        >>> # Define default scope in runner (``Runner`` calls
        >>> # ``DefaultScope.get_instance(name, scope_name=default_scope)``).
        >>> # Here it is defined for a ``with`` block only:
        >>> with DefaultScope.overwrite_default_scope('mmdet'):
        ...     # Get default scope globally.
        ...     print(DefaultScope.get_current_instance().scope_name)
        mmdet
    """

    def __init__(self, name: str, scope_name: str) -> None:
        super().__init__(name)
        if not isinstance(scope_name, str):
            raise RegistryTypeError(
                f"scope_name should be a string, but got {scope_name}\nscope_name of "
                f'DefaultScope {name!r} must be the scope of a package, such as "mmdet" '
                f"(usually the `default_scope` of the config); got "
                f"{type(scope_name).__name__}."
            )
        self._scope_name = scope_name

    @property
    def scope_name(self) -> str:
        """str: The scope of the current task, e.g. ``'mmdet'``."""
        return self._scope_name

    @classmethod
    def get_current_instance(cls) -> Optional[DefaultScope]:
        """Get the latest created default scope.

        Since ``default_scope`` is an optional argument for
        ``Registry.build``, ``get_current_instance`` returns None if no
        ``DefaultScope`` has been created yet.

        Examples:
            >>> from mmengine.registry import DefaultScope
            >>> # There is no `DefaultScope` created yet,
            >>> # `get_current_instance` return `None`.
            >>> print(DefaultScope.get_current_instance())
            None
            >>> with DefaultScope.overwrite_default_scope('mmengine'):
            ...     default_scope = DefaultScope.get_current_instance()
            >>> default_scope.scope_name
            'mmengine'

        Returns:
            DefaultScope or None: None if no ``DefaultScope`` instance has
            been created yet, otherwise the latest created instance.
        """
        instances = cls._instance_dict  # type: ignore[attr-defined]
        if not instances:
            return None
        try:
            # Lock-free fast path: this runs on every ``Registry.build``.
            return instances[next(reversed(instances))]
        except (RuntimeError, StopIteration, KeyError):
            # The dict changed size under us (another thread); retry safely.
            if not instances:
                return None
            return super().get_current_instance()

    @classmethod
    @contextmanager
    def overwrite_default_scope(cls, scope_name: Optional[str]) -> Generator[None, None, None]:
        """Overwrite the current default scope with ``scope_name`` inside a
        ``with`` block.

        When the block exits, even if it raised, the scopes are exactly what
        they were before it: instances created inside the block (for example
        by a package's ``register_all_modules()``) are dropped, and the
        previous default scope is current again, as in mmengine 0.10.

        Args:
            scope_name (str, optional): The scope to switch to. If None, the
                current default scope is kept unchanged and nothing is undone.

        Examples:
            >>> from mmengine.registry import DefaultScope
            >>> with DefaultScope.overwrite_default_scope('mmdet'):
            ...     DefaultScope.get_current_instance().scope_name
            'mmdet'
            >>> print(DefaultScope.get_current_instance())  # the scope before the block
            None
        """
        if scope_name is None:
            yield
            return
        if not isinstance(scope_name, str):
            raise RegistryTypeError(
                f"scope_name should be a string, but got {scope_name}\n"
                "DefaultScope.overwrite_default_scope (used for the `_scope_` key of a "
                'config) takes the scope of a package, such as "mmdet", or None to keep '
                f"the current one; got {type(scope_name).__name__}."
            )
        instances = cls._instance_dict  # type: ignore[attr-defined]
        before = dict(instances)
        name = f"overwrite-default-scope-{next(_overwrite_counter)}"
        while name in instances:
            name = f"overwrite-default-scope-{next(_overwrite_counter)}"
        cls.get_instance(name, scope_name=scope_name)
        try:
            yield
        finally:
            # Same dict object (others may hold it), same content and order as before.
            instances.clear()
            instances.update(before)
