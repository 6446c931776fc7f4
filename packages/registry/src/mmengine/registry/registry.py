"""``Registry``: a hierarchical mapping from names to classes or functions."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Generator, Iterable
from contextlib import contextmanager
from typing import Any, Optional, Union

from mmengine.config.utils import MODULE2PACKAGE  # upstream binds it here
from mmengine.logging import print_log
from mmengine.logging.logger import current_debug_logger
from mmengine.utils import get_object_from_string, is_seq_of
from mmengine.utils._messages import closest

from ._exceptions import EmptyNameError, RegistryTypeError, RegistryValueError
from ._imports import import_location, import_scope_registry, register_all_modules_of
from .default_scope import DefaultScope

# Bumped whenever a registry tree changes, invalidating scope-lookup caches.
_tree_generation = [0]
# Scopes of every registry created in this process (``init_default_scope``
# warns about a scope that is neither one of these nor an installed package).
_known_scopes: set[str] = set()


class _Children(dict):
    """``Registry._children``: a dict that invalidates the scope-lookup
    caches whenever it is modified (also by code that edits it directly)."""

    def _changed(self) -> None:
        _tree_generation[0] += 1

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def pop(self, *args: Any) -> Any:
        self._changed()
        return super().pop(*args)

    def popitem(self) -> tuple:
        self._changed()
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self._changed()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._changed()
        return super().setdefault(key, default)


def _caller_scope(frame: Any) -> Optional[str]:
    """Return the top-level package name of the module executing ``frame``.

    Returns None when it cannot be told (e.g. an interactive session).
    """
    module_name = frame.f_globals.get("__name__")
    if not module_name:
        return None
    if module_name == "__main__":
        main = sys.modules.get("__main__")
        main_file = getattr(main, "__file__", None)
        if not main_file:
            return None  # interactive interpreter or ``python -c``
        if os.path.abspath(frame.f_code.co_filename) != os.path.abspath(main_file):
            return None  # code exec'd in __main__ (a notebook cell), as 0.10 tells it
    return module_name.split(".")[0]


def _object_path_problem(path: str) -> str:
    """Why ``path`` (``'pkg.module.Name'``) is not an importable object, e.g.
    "module 'torch.nn' has no attribute 'Linearr' (did you mean 'Linear'?)".
    Used on error paths only (imports what the failed lookup imported)."""
    from importlib import import_module

    parts = path.split(".")
    if not all(parts):
        return f"{path!r} is not a dotted name"
    module = None
    index = len(parts)
    while index > 0:
        try:
            module = import_module(".".join(parts[:index]))
            break
        except ImportError:
            index -= 1
        except Exception as e:  # noqa: BLE001 - reported, not raised
            return f"importing {'.'.join(parts[:index])!r} raised {e!r}"
    if module is None:
        return f"no module named {parts[0]!r} is installed"
    obj: Any = module
    owner = ".".join(parts[:index])
    for attr in parts[index:]:
        if not hasattr(obj, attr):
            near = closest(attr, [n for n in dir(obj) if not n.startswith("_")], 1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            kind = "module" if obj is module else "object"
            return f"{kind} {owner!r} has no attribute {attr!r}{hint}"
        obj = getattr(obj, attr)
        owner = f"{owner}.{attr}"
    return ""


def _scope_suggestion(scope: str, tree_scopes: list[str]) -> str:
    """`` Did you mean "mmdet"?`` for a scope close to a known one (error path); nothing for
    a scope that is itself a known one (its registry is just not in this tree)."""
    if scope in _known_scopes or scope in MODULE2PACKAGE:
        return ""
    candidates = list(dict.fromkeys([*tree_scopes, *sorted(_known_scopes), *MODULE2PACKAGE]))
    near = closest(scope, [c for c in candidates if c != scope], 1, 0.75)
    return f' Did you mean the scope "{near[0]}"?' if near else ""


def _fallback_scope() -> str:
    print_log(
        'set scope as "mmengine" when scope can not be inferred. You can '
        'silence this warning by passing a "scope" argument to Registry like '
        '`Registry(name, scope="toy")`',
        logger="current",
        level=logging.WARNING,
    )
    return "mmengine"


def _bad_name_detail(name: Any, registry_name: str) -> str:
    """Explain a bad ``name`` of ``register_module`` (error path only)."""
    if isinstance(name, type) or callable(name):
        shown = getattr(name, "__name__", repr(name))
        return (
            f": `{shown}` was passed as the name. Decorate with `@REGISTRY.register_module()` "
            f"(with parentheses), or call `REGISTRY.register_module(module={shown})`, "
            f'REGISTRY being the "{registry_name}" registry.'
        )
    if isinstance(name, (list, tuple)):
        bad = [(i, n) for i, n in enumerate(name) if not isinstance(n, str)]
        if bad:
            i, n = bad[0]
            return f": item {i} of {name!r:.100} is {n!r:.40} ({type(n).__name__}), not a str."
    return (
        f' ({name!r:.60}): give the name(s) to register in the "{registry_name}" registry as str.'
    )


def _clash_detail(name: str, existed: Any, new: Any, registry: Registry) -> str:
    """Name both objects of a registration clash and their files (error path only)."""
    from .build_functions import _describe, _where_defined

    if existed is new:
        return (
            f"The same object `{_describe(new)}` ({_where_defined(new)}) is being "
            f'registered again in the "{registry.name}" registry (scope '
            f'"{registry.scope}") (is its file imported twice, under two module names?).'
        )
    return (
        f'The "{registry.name}" registry (scope "{registry.scope}") already maps '
        f"{name!r} to `{_describe(existed)}` defined in {_where_defined(existed)}; the "
        f"new `{_describe(new)}` is defined in {_where_defined(new)}."
    )


def _log_found(obj: Any, registry: Registry) -> None:
    """0.10's DEBUG line for a registry lookup (only when a handler shows DEBUG): it names
    the object found (``BatchNorm2d`` for the key ``BN``)."""
    logger = current_debug_logger()
    if logger is not None:
        name = getattr(obj, "__name__", obj)
        logger.debug(f'Get class `{name}` from "{registry.name}" registry in "{registry.scope}"')


class Registry:
    r"""A registry to map strings to classes or functions.

    Registered object could be built from registry. Meanwhile, registered
    functions could be called from registry.

    Args:
        name (str): Registry name.
        build_func (callable, optional): A function to construct instance
            from Registry. :func:`build_from_cfg` is used if neither
            ``parent`` or ``build_func`` is specified. If ``parent`` is
            specified and ``build_func`` is not given, ``build_func`` will be
            inherited from ``parent``. Defaults to None.
        parent (:obj:`Registry`, optional): Parent registry. The class
            registered in children registry could be built from parent.
            Defaults to None.
        scope (str, optional): The scope of registry. It is the key to search
            for children registry. If not specified, scope will be the name of
            the package where the registry is created, e.g. mmdet, mmcls,
            mmseg. Defaults to None.
        locations (list): The locations to import the modules registered in
            this registry. They are imported on the first :meth:`get` or
            :meth:`build`. Defaults to [].

    Examples:
        >>> from mmengine.registry import Registry
        >>> # define a registry
        >>> MODELS = Registry('models', scope='demo')
        >>> # registry the `ResNet` to `MODELS`
        >>> @MODELS.register_module()
        ... class ResNet:
        ...     pass
        >>> # build model from `MODELS`
        >>> resnet = MODELS.build(dict(type='ResNet'))
        >>> @MODELS.register_module()
        ... def resnet50():
        ...     return 'resnet50 called'
        >>> MODELS.build(dict(type='resnet50'))
        'resnet50 called'

        >>> # hierarchical registry
        >>> DETECTORS = Registry('detectors', parent=MODELS, scope='det')
        >>> @DETECTORS.register_module()
        ... class FasterRCNN:
        ...     pass
        >>> fasterrcnn = DETECTORS.build(dict(type='FasterRCNN'))
        >>> resnet = DETECTORS.build(dict(type='ResNet'))  # found in the parent

        >>> # add locations to enable auto import: ``toy/models.py`` registers MaskRCNN
        >>> import os
        >>> os.makedirs('toy', exist_ok=True)
        >>> with open('toy/registry.py', 'w') as f:
        ...     _ = f.write("from mmengine.registry import Registry\n"
        ...                 "MODELS = Registry('models', scope='toy', locations=['toy.models'])\n")
        >>> with open('toy/models.py', 'w') as f:
        ...     _ = f.write("from toy.registry import MODELS\n"
        ...                 "@MODELS.register_module()\n"
        ...                 "class MaskRCNN:\n"
        ...                 "    pass\n")
        >>> from toy.registry import MODELS as TOY_MODELS
        >>> # The registry imports toy.models on its first build (or get)
        >>> type(TOY_MODELS.build(dict(type='MaskRCNN')))
        <class 'toy.models.MaskRCNN'>
    """

    def __init__(
        self,
        name: str,
        build_func: Optional[Callable] = None,
        parent: Optional[Registry] = None,
        scope: Optional[str] = None,
        locations: list = [],  # noqa: B006 (upstream signature; never mutated)
    ) -> None:
        from .build_functions import build_from_cfg

        # 0.10 does not check these three: plain TypeErrors.
        if not isinstance(name, str):
            raise TypeError(
                f"Registry name must be a str such as 'model', but got {name!r} "
                f"({type(name).__name__})"
            )
        if locations is None:
            locations = []
        if isinstance(locations, str) or not is_seq_of(locations, str):
            hint = f" (write [{locations!r}])" if isinstance(locations, str) else ""
            raise TypeError(
                f'`locations` of the "{name}" registry must be a list of module '
                f'names such as ["mmdet.models"], but got {locations!r}{hint}'
            )
        self._name = name
        self._module_dict: dict[str, Any] = dict()
        self._children: dict[str, Registry] = _Children()
        self._locations: list[str] = list(locations)
        self._imported = False
        # scope name -> (tree generation, registry) for default-scope lookups
        self._scope_cache: dict[str, tuple[int, Registry]] = {}

        if scope is not None:
            if not isinstance(scope, str):
                raise RegistryTypeError(
                    f'scope of the "{name}" registry must be a str (the package name, '
                    f'such as "mmdet"), but got {scope!r} ({type(scope).__name__})'
                )
            self._scope = scope
        else:
            self._scope = self._infer_scope_of_creator()
        _known_scopes.add(self._scope)

        self.parent: Optional[Registry]
        if parent is not None:
            if not isinstance(parent, Registry):
                hint = (
                    " (pass the Registry object, e.g. mmengine.registry.MODELS, not its name)"
                    if isinstance(parent, str)
                    else ""
                )
                raise RegistryTypeError(
                    f'parent of the "{name}" registry must be a Registry, but got '
                    f"{type(parent).__name__} {parent!r:.80}{hint}"
                )
            parent._add_child(self)
            self.parent = parent
        else:
            self.parent = None

        self.build_func: Callable
        if build_func is None:
            if self.parent is not None:
                self.build_func = self.parent.build_func
            else:
                self.build_func = build_from_cfg
        else:
            if not callable(build_func):
                raise TypeError(
                    f'build_func of the "{name}" registry must be callable (such as '
                    f"build_from_cfg), but got {build_func!r}"
                )
            self.build_func = build_func

    # ------------------------------------------------------------------ dunder
    def __len__(self) -> int:
        return len(self._module_dict)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __repr__(self) -> str:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Registry of {self._name}")
        table.add_column("Names", justify="left", style="cyan")
        table.add_column("Objects", justify="left", style="green")
        for name, obj in sorted(self._module_dict.items()):
            table.add_row(name, str(obj))
        console = Console()
        with console.capture() as capture:
            console.print(table, end="")
        return capture.get()

    # ------------------------------------------------------------ scope logic
    @staticmethod
    def infer_scope() -> str:
        r"""Infer the scope of registry.

        The name of the package where the registry is defined will be
        returned, i.e. the first component of the module name of the code
        that creates the registry (two frames up from this method).

        Examples:
            >>> # a registry created in mmdet/models/backbone/resnet.py gets the scope
            >>> # 'mmdet'; here one created in the package ``mmtoy``:
            >>> import os
            >>> os.makedirs('mmtoy', exist_ok=True)
            >>> with open('mmtoy/resnet.py', 'w') as f:
            ...     _ = f.write("from mmengine.registry import Registry\n"
            ...                 "MODELS = Registry('models')\n")
            >>> from mmtoy.resnet import MODELS
            >>> MODELS.scope
            'mmtoy'

        Returns:
            str: The inferred scope name.
        """
        try:
            frame = sys._getframe(2)
        except ValueError:
            return _fallback_scope()
        scope = _caller_scope(frame)
        return scope if scope is not None else _fallback_scope()

    def _infer_scope_of_creator(self) -> str:
        # Frame 0 is this method, 1 is ``Registry.__init__``; skip further
        # ``__init__`` frames of subclasses constructing this same object.
        frame = sys._getframe(2)
        while (
            frame.f_back is not None
            and frame.f_code.co_name == "__init__"
            and frame.f_locals.get("self") is self
        ):
            frame = frame.f_back
        scope = _caller_scope(frame)
        return scope if scope is not None else _fallback_scope()

    @staticmethod
    def split_scope_key(key: str) -> tuple[Optional[str], str]:
        """Split scope and key.

        The first scope will be split from key.

        Examples:
            >>> from mmengine.registry import Registry
            >>> Registry.split_scope_key('mmdet.ResNet')
            ('mmdet', 'ResNet')
            >>> Registry.split_scope_key('ResNet')
            (None, 'ResNet')

        Args:
            key (str): The key, optionally prefixed by ``'<scope>.'``.

        Returns:
            tuple[str | None, str]: The former element is the first scope of
            the key, which can be None. The latter is the remaining key.
        """
        index = key.find(".")
        if index != -1:
            return key[:index], key[index + 1 :]
        return None, key

    @property
    def name(self) -> str:
        """str: Name of the registry."""
        return self._name

    @property
    def scope(self) -> str:
        """str: Scope of the registry (the key its parent files it under)."""
        return self._scope

    @property
    def module_dict(self) -> dict:
        """dict: Mapping from registered names to classes or functions."""
        return self._module_dict

    @property
    def children(self) -> dict:
        """dict: Child registries keyed by their scope."""
        return self._children

    @property
    def root(self) -> Registry:
        """Registry: The root of the registry tree this registry belongs to."""
        return self._get_root_registry()

    def _get_root_registry(self) -> Registry:
        root = self
        while root.parent is not None:
            root = root.parent
        return root

    def _add_child(self, registry: Registry) -> None:
        """Add a child registry, filed under its scope.

        Args:
            registry (:obj:`Registry`): The child registry.
        """
        if not isinstance(registry, Registry):
            raise RegistryTypeError(f"child must be a Registry, but got {type(registry)}")
        if registry.scope in self._children:
            existing = self._children[registry.scope]
            raise RegistryValueError(
                f"scope {registry.scope} exists in {self.name} registry: the "
                f'"{existing.name}" registry already uses scope "{registry.scope}" '
                f'under the "{self.name}" registry (scope "{self.scope}"). Give '
                f'the new "{registry.name}" registry another `scope`.'
            )
        self._children[registry.scope] = registry

    def _search_child(self, scope: str) -> Optional[Registry]:
        """Depth-first search for the registry of ``scope`` among this
        registry and its descendants.

        Args:
            scope (str): The scope to search for.

        Returns:
            Registry or None: The registry of ``scope`` or None.
        """
        if self._scope == scope:
            return self
        for child in self._children.values():
            found = child._search_child(scope)
            if found is not None:
                return found
        return None

    def _registry_of_scope(self, scope_name: str) -> Registry:
        """Return the registry of ``scope_name`` in this registry's tree,
        falling back (with a warning) to ``self`` when there is none.

        Results are cached until the registry tree changes.
        """
        if scope_name == self._scope:
            return self
        cached = self._scope_cache.get(scope_name)
        if cached is not None and cached[0] == _tree_generation[0]:
            return cached[1]
        import_scope_registry(scope_name, warn=True)
        root = self._get_root_registry()
        registry = root._search_child(scope_name)
        if registry is None:
            print_log(
                f'Failed to search registry with scope "{scope_name}" in the '
                f'"{root.name}" registry tree. As a workaround, the current '
                f'"{self.name}" registry in "{self.scope}" is used to build '
                "instance. This may cause unexpected failure when running the "
                f'built modules. Please check whether "{scope_name}" is a '
                "correct scope, or whether the registry is initialized."
                + _scope_suggestion(scope_name, self._tree_scopes()),
                logger="current",
                level=logging.WARNING,
            )
            registry = self
        # A fallback is cached too (warned once); it is recomputed as soon as
        # any registry joins a tree (e.g. when ``<scope>.registry`` is imported).
        self._scope_cache[scope_name] = (_tree_generation[0], registry)
        return registry

    def _current_registry(self) -> Registry:
        """The registry that builds for this one under the current default
        scope (see :meth:`switch_scope_and_registry`)."""
        default_scope = DefaultScope.get_current_instance()
        if default_scope is None:
            return self
        return self._registry_of_scope(default_scope.scope_name)

    @contextmanager
    def switch_scope_and_registry(self, scope: Optional[str]) -> Generator[Registry, None, None]:
        """Temporarily switch default scope to the target scope, and get the
        corresponding registry.

        If the registry of the corresponding scope exists, yield the
        registry, otherwise yield the current itself.

        Args:
            scope (str, optional): The target scope.

        Examples:
            >>> from mmengine.registry import Registry, DefaultScope
            >>> # External registry (mmengine's MODELS in a real project)
            >>> MODELS = Registry('models', scope='mmengine')
            >>> # Local registry
            >>> CUSTOM_MODELS = Registry('custom_model', scope='custom', parent=MODELS)
            >>> with DefaultScope.overwrite_default_scope('custom'):
            ...     # Switch to the mmengine scope and get the `MODELS` registry.
            ...     with CUSTOM_MODELS.switch_scope_and_registry(scope='mmengine') as registry:
            ...         print(DefaultScope.get_current_instance().scope_name, registry.name)
            ...     # Check switch back to original scope.
            ...     print(DefaultScope.get_current_instance().scope_name)
            mmengine models
            custom
        """
        with DefaultScope.overwrite_default_scope(scope):
            yield self._current_registry()

    # ------------------------------------------------------------ importing
    def import_from_location(self) -> None:
        """Import modules from the pre-defined locations in ``self._locations``.

        Runs once per registry (on the first :meth:`get` or :meth:`build`).
        A location whose distribution is not installed is reported with a
        warning naming the distribution to install; other import errors
        propagate.
        """
        if self._imported:
            return
        # Set first: a location may itself look names up in this registry.
        self._imported = True
        desc = f'"{self._name}" registry (scope "{self._scope}")'
        try:
            if not self._locations:
                # Libraries written before ``locations`` existed register
                # their modules with ``<scope>.utils.register_all_modules``.
                register_all_modules_of(self._scope, desc)
            for location in self._locations:
                import_location(location, desc, f"{self._scope}'s {self._name} registry")
        except BaseException:
            # Not imported after all: the next lookup raises again instead of
            # silently finding nothing.
            self._imported = False
            raise

    # --------------------------------------------------------------- lookup
    def get(self, key: str) -> Optional[Any]:
        """Get the registry record.

        If ``key`` is the full dotted name of an object (for example
        ``'mmengine.model.BaseModel'``) that is not found through scopes,
        the object is imported and returned.

        Otherwise, it will first parse ``key`` and check whether it contains
        a scope name. The logic to search for ``key``:

        - ``key`` does not contain a scope name, i.e., it is purely a module
          name like "ResNet": :meth:`get` will search for ``ResNet`` from the
          current registry to its parent or ancestors until finding it.
        - ``key`` contains a scope name and it is equal to the scope of the
          current registry (e.g., "mmcls"), e.g., "mmcls.ResNet": :meth:`get`
          will only search for ``ResNet`` in the current registry.
        - ``key`` contains a scope name and it is not equal to the scope of
          the current registry (e.g., "mmdet"), e.g., "mmcls.FCNet": If the
          scope exists in its children, :meth:`get` will get "FCNet" from
          them. If not, it looks in the root registry when the scope is the
          root's, or else in the root's child of that scope (deeper
          registries are reached with a dotted path of scopes, e.g.
          "mmdet.sub.FCNet").

        Args:
            key (str): Name of the registered item, e.g., the class name in
                string format.

        Returns:
            Type or None: Return the corresponding class if ``key`` exists,
            otherwise return None.

        Examples:
            >>> from mmengine.registry import Registry
            >>> # define a registry
            >>> MODELS = Registry('models', scope='demo')
            >>> # register `ResNet` to `MODELS`
            >>> @MODELS.register_module()
            ... class ResNet:
            ...     pass
            >>> MODELS.get('ResNet').__name__
            'ResNet'

            >>> # hierarchical registry
            >>> DETECTORS = Registry('detector', parent=MODELS, scope='det')
            >>> # `ResNet` does not exist in `DETECTORS` but `get` method
            >>> # will try to search from its parent or ancestors
            >>> DETECTORS.get('ResNet').__name__
            'ResNet'
            >>> CLASSIFIER = Registry('classifier', parent=MODELS, scope='cls')
            >>> @CLASSIFIER.register_module()
            ... class MobileNet:
            ...     pass
            >>> # `get` from its sibling registries
            >>> DETECTORS.get('cls.MobileNet').__name__
            'MobileNet'
            >>> print(DETECTORS.get('FCNet'))  # not registered anywhere
            None
        """
        if not isinstance(key, str):
            raise TypeError(f"The key argument of `Registry.get` must be a str, got {type(key)}")
        if not self._imported:
            self.import_from_location()
        index = key.find(".")
        if index == -1:
            # Fast path: a plain name, searched here and then in ancestors.
            obj = self._module_dict.get(key)
            if obj is not None:
                _log_found(obj, self)
                return obj
            parent = self.parent
            while parent is not None:
                if not parent._imported:
                    parent.import_from_location()
                obj = parent._module_dict.get(key)
                if obj is not None:
                    _log_found(obj, parent)
                    return obj
                parent = parent.parent
            if not key:
                raise EmptyNameError(
                    f'Failed to get {key}: the name to look up in the "{self._name}" '
                    f'registry (scope "{self._scope}") is an empty string. Give the name '
                    'a class or function was registered under, e.g. type="ResNet".'
                )
            return None

        scope, real_key = key[:index], key[index + 1 :]
        obj = None
        if scope == self._scope:
            obj = self._module_dict.get(real_key)
            if obj is not None:
                _log_found(obj, self)
        else:
            # Importing ``<scope>.registry`` adds that package's registries
            # to the tree.
            import_scope_registry(scope, warn=False)
            child = self._children.get(scope)
            if child is not None:
                obj = child.get(real_key)
            else:
                # As 0.10, past its own children a scope is looked up only as the
                # root's scope (the root's own modules) or one of the root's children.
                root = self._get_root_registry()
                if scope == root._scope:
                    obj = root.get(key)
                elif scope in root._children:
                    obj = root._children[scope].get(real_key)
        if obj is None:
            # A full object path such as ``mmengine.model.BaseModel`` (e.g.
            # dumped by a lazy-import config).
            try:
                obj = get_object_from_string(key)
            except Exception as e:
                raise RuntimeError(
                    f'Failed to get {key}: "{key}" is not registered in the '
                    f'"{self._name}" registry (scope "{self._scope}") and '
                    f"importing it as a dotted object path raised {e!r}."
                ) from e
        return obj

    def _searched_scopes(self) -> list[str]:
        """Scopes that a plain-name lookup from this registry visits."""
        scopes = []
        registry: Optional[Registry] = self
        while registry is not None:
            scopes.append(registry.scope)
            registry = registry.parent
        return scopes

    def _close_names(self, key: str) -> list[str]:
        """Registered names (with scope prefixes for other registries of the
        tree) that look like ``key``."""
        _, real_key = self.split_scope_key(key)
        candidates: dict[str, str] = {}
        registry: Optional[Registry] = self
        while registry is not None:
            for name in registry._module_dict:
                candidates.setdefault(name, name)
            registry = registry.parent

        def visit(node: Registry, prefix: str) -> None:
            # ``prefix`` is the dotted path of scopes that ``get`` resolves from
            # here: relative below this registry, from the root elsewhere.
            for name in node._module_dict:
                candidates.setdefault(f"{prefix}.{name}", name)
            for child in node._children.values():
                visit(child, f"{prefix}.{child.scope}")

        root = self._get_root_registry()
        for child in self._children.values():
            visit(child, child.scope)
        for name in root._module_dict:
            candidates.setdefault(f"{root.scope}.{name}", name)
        for child in root._children.values():
            visit(child, child.scope)
        by_plain: dict[str, list[str]] = {}
        for qualified, plain in candidates.items():
            by_plain.setdefault(plain, []).append(qualified)
        matches = closest(real_key, list(by_plain), n=5, cutoff=0.6)
        lowered = {p.lower(): p for p in by_plain}
        if real_key.lower() in lowered and lowered[real_key.lower()] not in matches:
            matches.insert(0, lowered[real_key.lower()])
        return [by_plain[m][0] for m in matches]

    def _not_found_message(self, key: str, plain_registry_name: bool = False) -> str:
        """Message for a failed lookup of ``key`` in this registry.

        Args:
            key (str): The name that was looked up.
            plain_registry_name (bool): Name the registry as ``<name>``
                rather than ``<scope>::<name>`` in the first sentence (0.10's
                wording in ``build_runner_from_cfg``).
        """
        scope, real_key = self.split_scope_key(key)
        close = self._close_names(key)
        unknown_scope = ""
        if scope is None or scope == self._scope:
            where = "Searched scopes: " + " -> ".join(f'"{s}"' for s in self._searched_scopes())
        else:
            tree_scopes = self._tree_scopes()
            where = (
                f'Looked for scope "{scope}" in the registry tree of '
                f'"{self._get_root_registry().name}" (scopes: '
                + ", ".join(f'"{s}"' for s in tree_scopes)
                + ")"
            )
            if scope not in tree_scopes:
                unknown_scope = self._unknown_scope_detail(key, scope, real_key, tree_scopes, close)
        registry = self._name if plain_registry_name else f"{self._scope}::{self._name}"
        msg = (
            f"{key} is not in the {registry} registry. "
            f"Please check whether the value of `{key}` is correct or it was "
            "registered as expected. More details can be found at "
            "docs/tutorials/registry.md, section 'Registration must be imported', of the "
            f"mmengine-ng documentation. {where}.{unknown_scope} The module "
            "defining it must be imported first: list it in the registry "
            "`locations`, import it manually, or add it to `custom_imports` in "
            "the config."
        )
        if close:
            msg += " Did you mean: " + ", ".join(f'"{c}"' for c in close) + "?"
        return msg

    @staticmethod
    def _unknown_scope_detail(
        key: str, scope: str, real_key: str, tree_scopes: list[str], close: list[str]
    ) -> str:
        """Explain a ``scope.Name`` whose scope no registry of the tree has
        (error path only); may prepend a ``close_scope.Name`` suggestion to
        ``close``."""
        import importlib.util

        parts = [f' No registry of this tree has the scope "{scope}"']
        candidates = list(dict.fromkeys([*tree_scopes, *MODULE2PACKAGE]))
        near = closest(scope, candidates, n=1, cutoff=0.75)
        try:
            installed = importlib.util.find_spec(scope) is not None
        except (ImportError, ValueError):
            installed = False
        if not installed:
            parts.append(f', and no package named "{scope}" is installed')
        if near:
            parts.append(f' (did you mean the scope "{near[0]}"?)')
            suggestion = f"{near[0]}.{real_key}"
            if suggestion not in close:
                close.insert(0, suggestion)
        parts.append(".")
        problem = _object_path_problem(key)
        if problem:
            parts.append(f" Read as a full object path, {key!r} fails too: {problem}.")
        return "".join(parts)

    def _tree_scopes(self) -> list[str]:
        scopes: list[str] = []

        def visit(node: Registry) -> None:
            scopes.append(node.scope)
            for child in node._children.values():
                visit(child)

        visit(self._get_root_registry())
        return scopes

    # ---------------------------------------------------------------- build
    def build(self, cfg: dict, *args: Any, **kwargs: Any) -> Any:
        """Build an instance.

        Build an instance by calling :attr:`build_func`.

        Args:
            cfg (dict): Config dict needs to be built.

        Returns:
            Any: The constructed object.

        Examples:
            >>> from mmengine import Registry
            >>> MODELS = Registry('models', scope='demo')
            >>> @MODELS.register_module()
            ... class ResNet:
            ...     def __init__(self, depth, stages=4):
            ...         self.depth = depth
            ...         self.stages = stages
            >>> cfg = dict(type='ResNet', depth=50)
            >>> model = MODELS.build(cfg)
            >>> model.depth, model.stages
            (50, 4)
        """
        try:
            if args or kwargs:
                return self.build_func(cfg, *args, **kwargs, registry=self)
            return self.build_func(cfg, registry=self)
        except TypeError as e:
            # Raised by the call itself (no deeper frame): the arguments do
            # not fit the build function's signature.
            tb = e.__traceback__
            if tb is not None and tb.tb_next is None:
                self._explain_build_call(e, args, kwargs)
            raise

    def _explain_build_call(self, error: TypeError, args: tuple, kwargs: dict) -> None:
        """Note on ``error`` how ``build`` called the build function (error path)."""
        import inspect

        from mmengine.config.parsing import add_note

        from .build_functions import _describe

        try:
            params = inspect.signature(self.build_func).parameters.values()
            shown = ", ".join(str(p.replace(annotation=p.empty)) for p in params)
            signature = f"{_describe(self.build_func)}({shown})"
        except (TypeError, ValueError):
            signature = _describe(self.build_func)
        passed = ", ".join(["cfg", *("<positional>" for _ in args), *kwargs, "registry=<self>"])
        add_note(
            error,
            f'while calling the build function of the "{self._name}" registry (scope '
            f'"{self._scope}") as build_func({passed}); it is {signature}. A build function '
            "takes (cfg, registry, ...) like build_from_cfg(cfg, registry, default_args=None); "
            "check the keyword arguments given to build().",
        )

    # ------------------------------------------------------------- register
    def _register_module(
        self,
        module: Any,
        module_name: Optional[Union[str, Iterable[str]]] = None,
        force: bool = False,
    ) -> None:
        """Register a module.

        Args:
            module (type or callable): Module to be registered. Typically a
                class or a function, but generally all ``Callable`` are
                acceptable.
            module_name (str or list of str, optional): The module name to be
                registered. If not specified, the class name will be used.
                Defaults to None.
            force (bool): Whether to override an existing class with the same
                name. Defaults to False.
        """
        if not callable(module):
            raise TypeError(
                f"module must be Callable, but got {type(module)}: only classes "
                f'and functions can be registered in the "{self._name}" registry'
            )
        if module_name is None:
            module_name = getattr(module, "__name__", None)
            if module_name is None:
                raise TypeError(
                    f"{module!r} has no __name__; pass `name=` to register it "
                    f'in the "{self._name}" registry'
                )
        names = [module_name] if isinstance(module_name, str) else list(module_name)
        for name in names:
            if not force and name in self._module_dict:
                existed = self._module_dict[name]
                raise KeyError(
                    f"{name} is already registered in {self._name} at "
                    f"{getattr(existed, '__module__', existed)}. "
                    f"{_clash_detail(name, existed, module, self)} Register it under "
                    "another name, or pass `force=True` to override the existing "
                    "module."
                )
            self._module_dict[name] = module

    def register_module(
        self,
        name: Optional[Union[str, list[str]]] = None,
        force: bool = False,
        module: Optional[Any] = None,
    ) -> Union[type, Callable]:
        """Register a module.

        A record will be added to ``self._module_dict``, whose key is the
        class name or the specified name, and value is the class itself. It
        can be used as a decorator or a normal function.

        Args:
            name (str or list of str, optional): The module name to be
                registered. If not specified, the class name will be used.
            force (bool): Whether to override an existing class with the same
                name. Defaults to False.
            module (type, optional): Module class or function to be
                registered. Defaults to None.

        Returns:
            type or callable: ``module`` itself when it is given, otherwise a
            decorator that registers and returns its argument.

        Examples:
            >>> from mmengine.registry import Registry
            >>> backbones = Registry('backbone', scope='demo')
            >>> # as a decorator
            >>> @backbones.register_module()
            ... class ResNet:
            ...     pass
            >>> backbones = Registry('backbone', scope='demo')
            >>> @backbones.register_module(name='mnet')
            ... class MobileNet:
            ...     pass
            >>> backbones.get('mnet').__name__
            'MobileNet'

            >>> # as a normal function
            >>> class ResNet:
            ...     pass
            >>> backbones.register_module(module=ResNet).__name__
            'ResNet'
        """
        if not isinstance(force, bool):
            raise TypeError(
                f"force must be a boolean, but got {type(force)} ({force!r:.40}); pass "
                f'force=True or force=False to register_module of the "{self._name}" registry'
            )
        # raise the error ahead of time
        if not (name is None or isinstance(name, str) or is_seq_of(name, str)):
            raise TypeError(
                f"name must be None, an instance of str, or a sequence of str, but got "
                f"{type(name)}{_bad_name_detail(name, self._name)}"
            )

        # use it as a normal method: x.register_module(module=SomeClass)
        if module is not None:
            self._register_module(module=module, module_name=name, force=force)
            return module

        # use it as a decorator: @x.register_module()
        def _register(module: Any) -> Any:
            self._register_module(module=module, module_name=name, force=force)
            return module

        return _register
