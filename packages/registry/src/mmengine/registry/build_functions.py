"""Functions that turn config dicts into objects using a :class:`Registry`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Optional, Union  # noqa: F401

from mmengine.config import Config, ConfigDict
from mmengine.config.parsing import add_note
from mmengine.logging.logger import current_debug_logger
from mmengine.utils import ManagerMixin, digit_version  # noqa: F401 (upstream binds it)
from mmengine.utils._messages import closest

from ._exceptions import RegistryTypeError, RegistryValueError
from .registry import Registry

_CFG_TYPES = (dict, ConfigDict, Config)


def _as_dict(cfg: Any) -> dict:
    """A new plain dict holding the top-level items of ``cfg`` (values are
    not copied), so that popping keys never touches the caller's config."""
    if type(cfg) is dict:
        return cfg.copy()
    # ConfigDict/Config: go through ``__getitem__`` so that their own value
    # handling (e.g. lazy objects) applies.
    return {key: cfg[key] for key in cfg}


def _merged_args(cfg: Any, default_args: Any, func_name: str) -> dict:
    """Validate ``cfg``/``default_args`` and merge them (``cfg`` wins)."""
    if not isinstance(cfg, _CFG_TYPES):
        raise TypeError(
            f"cfg should be a dict, ConfigDict or Config, but got {type(cfg)} (in {func_name})"
        )
    if default_args is not None and not isinstance(default_args, _CFG_TYPES):
        raise TypeError(
            "default_args should be a dict, ConfigDict, Config or None, but got "
            f"{type(default_args)} (in {func_name})"
        )
    args = _as_dict(cfg)
    if default_args is not None:
        for key in default_args:
            if key not in args:
                args[key] = default_args[key]
    return args


def _describe(obj: Any) -> str:
    """Readable name of a class or function, for messages."""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    return name if name else repr(obj)


def _where_defined(obj: Any) -> str:
    """``path/to/file.py:line`` where ``obj`` is defined, as far as known."""
    import inspect  # error path only (inspect costs ~6 ms to import)

    target = inspect.unwrap(obj) if callable(obj) else obj
    module = sys.modules.get(getattr(target, "__module__", "") or "")
    path = getattr(module, "__file__", None) if module is not None else None
    try:
        path = inspect.getsourcefile(target) or path
        _, line = inspect.getsourcelines(target)
        return f"{path}:{line}"
    except (TypeError, OSError):
        return path or f"module {getattr(target, '__module__', '?')}"


def _signature_problem(obj_cls: Any, args: dict) -> Optional[str]:
    """If ``args`` do not fit the signature of ``obj_cls``, describe how."""
    import inspect  # error path only

    try:
        signature = inspect.signature(obj_cls)
    except (TypeError, ValueError):
        return None
    try:
        signature.bind(**args)
        return None
    except TypeError:
        pass
    params = signature.parameters
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    keyword_ok = {
        n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }
    unexpected = [] if accepts_any else [k for k in args if k not in keyword_ok]
    missing = [
        n
        for n, p in params.items()
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and n not in args
    ]
    parts = []
    if unexpected:
        described = []
        for key in unexpected:
            close = closest(key, sorted(keyword_ok - set(args)), n=1)
            described.append(f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key))
        parts.append("unexpected argument(s) " + ", ".join(described))
    if missing:
        parts.append("missing required argument(s) " + ", ".join(repr(k) for k in missing))
    if not parts:
        parts.append("arguments do not match its signature")
    accepted = ", ".join(str(p) for p in params.values()) or "no arguments"
    return "; ".join(parts) + f". It accepts ({accepted})"


def _instantiate(obj_cls: Any, args: dict, registry: Registry, obj_type: Any = None) -> Any:
    """Call ``obj_cls`` with ``args`` (``get_instance`` for ``ManagerMixin``
    subclasses), explaining failures."""
    try:
        if isinstance(obj_cls, type) and issubclass(obj_cls, ManagerMixin):
            obj = obj_cls.get_instance(**args)
        else:
            obj = obj_cls(**args)
    except TypeError as e:
        problem = _signature_problem(obj_cls, args)
        context = (
            f"`{_describe(obj_cls)}` (defined in {_where_defined(obj_cls)}) "
            f'built from the "{registry.name}" registry (scope "{registry.scope}") '
            f"with the config {_config_repr(obj_cls if obj_type is None else obj_type, args)}"
        )
        if problem is None:
            # The arguments fit: the error comes from inside the constructor.
            add_note(e, f"while building {context}")
            raise
        raise TypeError(
            f"{e}\nwhile building {context}: {problem}. Fix the keys of its config."
        ) from e
    except Exception as e:
        add_note(
            e,
            f'while building `{_describe(obj_cls)}` from the "{registry.name}" '
            f'registry (scope "{registry.scope}")',
        )
        raise
    logger = current_debug_logger()
    if logger is not None:  # 0.10's DEBUG line
        logger.debug(
            f"An `{getattr(obj_cls, '__name__', type(obj_cls).__name__)}` instance is built from "
            "registry, and its implementation can be found in "
            f"{getattr(obj_cls, '__module__', None)}"
        )
    return obj


def _resolve_type(obj_type: Any, registry: Registry, key_name: str = "type") -> Any:
    """Turn the ``type`` of a config into a class or function."""
    if isinstance(obj_type, str):
        obj_cls = registry.get(obj_type)
        if obj_cls is None:
            raise KeyError(registry._not_found_message(obj_type))
        return obj_cls
    if callable(obj_type):
        # classes, functions, partial functions and more
        return obj_type
    raise TypeError(
        f"{key_name} must be a str or valid type, but got {type(obj_type)} "
        f'({obj_type!r}); use a registered name such as "ResNet" or the class itself'
    )


def _check_cfg_scope(scope: Any, cfg: Any, registry: Registry) -> None:
    """The ``_scope_`` of a config must be a scope name (0.10 asserted it
    when switching the default scope)."""
    if not isinstance(scope, str):
        raise RegistryTypeError(
            f"scope_name should be a string, but got {scope}\n`_scope_` of the config "
            f'{cfg!r:.200} (built by the "{registry.name}" registry) must be the scope '
            f'name of a package, such as "mmdet"; got {type(scope).__name__}.'
        )


def _type_key_hint(cfg: Any) -> str:
    """A hint when a key of ``cfg`` looks like a misspelt ``type`` (``tpye``, ``Type``)."""
    keys = [k for k in cfg if isinstance(k, str)] if hasattr(cfg, "keys") else []
    close = [k for k in keys if k.lower() == "type" or closest(k, ["type"], 1, 0.7)]
    if not close:
        return ""
    return f' (the key {close[0]!r} looks like a misspelling of "type")'


def _missing_type_help(registry: Any) -> str:
    """What to add to a config without ``type`` (error path only)."""
    if not isinstance(registry, Registry):
        return ""
    names: list[str] = []
    node: Optional[Registry] = registry
    while node is not None and len(names) < 8:
        names.extend(n for n in node.module_dict if n not in names)
        node = node.parent
    listed = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    example = f"type='{names[0]}'" if names else "type='ResNet'"
    has = f" (it has: {listed})" if names else ""
    return (
        f'\n(the first line is `cfg`, the second `default_args`.) Add a "type" key to the '
        f'config: the name of the class or function to build from the "{registry.name}" '
        f'registry (scope "{registry.scope}"){has}, e.g. {example}, or the class itself.'
    )


def _config_repr(obj_type: Any, args: dict) -> str:
    """``dict(type='X', a=1, ...)`` for messages, cut to a readable length."""
    items = ", ".join(f"{k}={v!r}" for k, v in args.items())
    shown = obj_type if isinstance(obj_type, str) else _describe(obj_type)
    text = f"dict(type={shown!r}{', ' if items else ''}{items})"
    return text if len(text) <= 300 else text[:297] + "..."


def build_from_cfg(
    cfg: Union[dict, ConfigDict, Config],
    registry: Registry,
    default_args: Optional[Union[dict, ConfigDict, Config]] = None,
) -> Any:
    """Build a module from config dict when it is a class configuration, or
    call a function from config dict when it is a function configuration.

    If the global variable default scope (:obj:`DefaultScope`) exists,
    :meth:`build` will firstly get the responding registry and then call its
    own :meth:`build`.

    At least one of the ``cfg`` and ``default_args`` contains the key "type",
    which should be either str or class. If they all contain it, the key in
    ``cfg`` will be used because ``cfg`` has a high priority than
    ``default_args`` that means if a key exists in both of them, the value of
    the key will be ``cfg[key]``. They will be merged first and the key
    "type" will be popped up and the remaining keys will be used as
    initialization arguments.

    Examples:
        >>> from mmengine import Registry, build_from_cfg
        >>> MODELS = Registry('models', scope='demo')
        >>> @MODELS.register_module()
        ... class ResNet:
        ...     def __init__(self, depth, stages=4):
        ...         self.depth = depth
        ...         self.stages = stages
        >>> cfg = dict(type='ResNet', depth=50)
        >>> model = build_from_cfg(cfg, MODELS)
        >>> # Returns an instantiated object
        >>> model.depth, model.stages
        (50, 4)
        >>> @MODELS.register_module()
        ... def resnet50():
        ...     return 'resnet50 called'
        >>> build_from_cfg(dict(type='resnet50'), MODELS)
        'resnet50 called'
        >>> # Return a result of the calling function

    Args:
        cfg (dict or ConfigDict or Config): Config dict. It should at least
            contain the key "type".
        registry (:obj:`Registry`): The registry to search the type from.
        default_args (dict or ConfigDict or Config, optional): Default
            initialization arguments. Defaults to None.

    Returns:
        object: The constructed object.
    """
    # Fast path for the common case: a plain dict with a ``type`` key.
    if type(cfg) is dict and "type" in cfg and default_args is None:
        args = cfg.copy()
    else:
        if not isinstance(cfg, _CFG_TYPES):
            raise TypeError(f"cfg should be a dict, ConfigDict or Config, but got {type(cfg)}")
        if default_args is not None and not isinstance(default_args, _CFG_TYPES):
            raise TypeError(
                "default_args should be a dict, ConfigDict, Config or None, but got "
                f"{type(default_args)}"
            )
        if "type" not in cfg and (default_args is None or "type" not in default_args):
            raise KeyError(
                '`cfg` or `default_args` must contain the key "type", but got '
                f"{cfg}\n{default_args}{_type_key_hint(cfg)}{_missing_type_help(registry)}"
            )
        args = _merged_args(cfg, default_args, "build_from_cfg")
    if not isinstance(registry, Registry):
        raise TypeError(f"registry must be a mmengine.Registry object, but got {type(registry)}")

    # Instance should be built under target scope, if `_scope_` is defined
    # in cfg, current default scope should switch to specified scope
    # temporarily.
    scope = args.pop("_scope_", None)
    if scope is None:
        target = registry._current_registry()
        obj_type = args.pop("type")
        return _instantiate(_resolve_type(obj_type, target), args, target, obj_type)
    _check_cfg_scope(scope, cfg, registry)
    with registry.switch_scope_and_registry(scope) as target:
        obj_type = args.pop("type")
        return _instantiate(_resolve_type(obj_type, target), args, target, obj_type)


def build_optimizer_from_cfg(
    cfg: Union[dict, ConfigDict, Config],
    registry: Registry,
    default_args: Optional[Union[dict, ConfigDict, Config]] = None,
) -> Any:
    """Build an optimizer from a config dict (the build function of
    ``OPTIMIZERS``).

    It behaves as :func:`build_from_cfg`: the ``params`` to optimize come
    from ``cfg`` or ``default_args``.

    Examples:
        >>> import torch
        >>> from mmengine.registry import OPTIMIZERS
        >>> from mmengine.registry.build_functions import build_optimizer_from_cfg
        >>> model = torch.nn.Linear(2, 2)
        >>> optimizer = build_optimizer_from_cfg(
        ...     dict(type='SGD', lr=0.1), OPTIMIZERS,
        ...     default_args=dict(params=model.parameters()))
        >>> type(optimizer).__name__, optimizer.defaults['lr']
        ('SGD', 0.1)

    Args:
        cfg (dict or ConfigDict or Config): Config dict with the key "type".
        registry (:obj:`Registry`): The registry to search the type from.
        default_args (dict or ConfigDict or Config, optional): Default
            initialization arguments. Defaults to None.

    Returns:
        object: The constructed optimizer.
    """
    return build_from_cfg(cfg, registry, default_args)


def build_model_from_cfg(
    cfg: Union[dict, ConfigDict, Config, list],
    registry: Registry,
    default_args: Optional[Union[dict, ConfigDict, Config]] = None,
) -> Any:
    """Build a PyTorch model from config dict(s). Different from
    ``build_from_cfg``, if cfg is a list, a ``nn.Sequential`` will be built.

    Args:
        cfg (dict, list[dict]): The config of modules, which is either a
            config dict or a list of config dicts. If cfg is a list, the
            built modules will be wrapped with ``nn.Sequential``
            (``mmengine.model.Sequential``).
        registry (:obj:`Registry`): A registry the module belongs to.
        default_args (dict, optional): Default arguments to build the module.
            Defaults to None.

    Returns:
        nn.Module: A built nn.Module.
    """
    if isinstance(cfg, list):
        modules = [build_from_cfg(c, registry, default_args) for c in cfg]
        try:
            from mmengine.model import Sequential  # workspace: optional
        except ImportError as e:
            raise ImportError(
                "Building a list of model configs wraps the modules in "
                "`mmengine.model.Sequential`, which needs the mmengine-ng-model "
                "distribution (and torch): `pip install mmengine-ng-model`."
            ) from e
        return Sequential(*modules)
    return build_from_cfg(cfg, registry, default_args)


def build_runner_from_cfg(cfg: Union[dict, ConfigDict, Config], registry: Registry) -> Any:
    """Build a Runner object.

    Examples:
        >>> import torch
        >>> from mmengine.registry import Registry, build_runner_from_cfg
        >>> from mmengine.runner import Runner
        >>> RUNNERS = Registry('runners', build_func=build_runner_from_cfg, scope='demo')
        >>> @RUNNERS.register_module()
        ... class CustomRunner(Runner):
        ...     def setup_env(self, env_cfg):
        ...         super().setup_env(env_cfg)  # and set up more
        >>> cfg = dict(runner_type='CustomRunner', model=torch.nn.Linear(2, 2),
        ...            work_dir='work_dirs/demo', default_scope=None, log_level='WARNING')
        >>> custom_runner = RUNNERS.build(cfg)
        >>> type(custom_runner).__name__
        'CustomRunner'

    Args:
        cfg (dict or ConfigDict or Config): Config dict. If "runner_type" key
            exists, it will be used to build a custom runner. Otherwise, it
            will be used to build a default runner.
        registry (:obj:`Registry`): The registry to search the type from.

    Returns:
        object: The constructed runner object.
    """
    if not isinstance(cfg, _CFG_TYPES):
        raise RegistryTypeError(f"cfg should be a dict, ConfigDict or Config, but got {type(cfg)}")
    if not isinstance(registry, Registry):
        raise RegistryTypeError(
            f"registry should be a mmengine.Registry object, but got {type(registry)}"
        )
    # ``Runner.from_cfg`` takes the whole config (a ``Config`` stays one).
    args = cfg.copy()
    # Runner should be built under target scope, if `_scope_` is defined
    # in cfg, current default scope should switch to specified scope
    # temporarily.
    scope = args.pop("_scope_", None)
    if scope is not None:
        _check_cfg_scope(scope, cfg, registry)
    with registry.switch_scope_and_registry(scope) as target:
        runner_type = args.get("runner_type", "Runner")
        if isinstance(runner_type, str):
            runner_cls = target.get(runner_type)
            if runner_cls is None:
                raise KeyError(target._not_found_message(runner_type, plain_registry_name=True))
        elif isinstance(runner_type, type):
            runner_cls = runner_type
        else:
            raise TypeError(
                f"type must be a str or valid type, but got {type(runner_type)}\n"
                f"`runner_type` of the config must be the name of a runner registered in "
                f'the "{registry.name}" registry (e.g. "Runner") or a runner class; got '
                f"{runner_type!r:.60}."
            )
        from_cfg = getattr(runner_cls, "from_cfg", None)
        if from_cfg is None:
            raise TypeError(
                f"{_describe(runner_cls)} (runner_type={runner_type!r}) has no "
                "`from_cfg` classmethod; runners built from a config must provide "
                "one (subclass mmengine.runner.Runner)."
            )
        return from_cfg(args)


def build_scheduler_from_cfg(
    cfg: Union[dict, ConfigDict, Config],
    registry: Registry,
    default_args: Optional[Union[dict, ConfigDict, Config]] = None,
) -> Any:
    """Builds a ``ParamScheduler`` instance from config.

    ``ParamScheduler`` supports building instance by its constructor or
    method ``build_iter_from_epoch``. Therefore, its registry needs a build
    function to handle both cases.

    Args:
        cfg (dict or ConfigDict or Config): Config dictionary. If it contains
            the key ``convert_to_iter_based``, instance will be built by
            method ``build_iter_from_epoch``, otherwise instance will be
            built by its constructor.
        registry (:obj:`Registry`): The ``PARAM_SCHEDULERS`` registry.
        default_args (dict or ConfigDict or Config, optional): Default
            initialization arguments. It must contain key ``optimizer``. If
            ``convert_to_iter_based`` is defined in ``cfg``, it must
            additionally contain key ``epoch_length``. Defaults to None.

    Returns:
        object: The constructed ``ParamScheduler``.
    """
    if not isinstance(cfg, _CFG_TYPES):
        raise RegistryTypeError(f"cfg should be a dict, ConfigDict or Config, but got {type(cfg)}")
    if not isinstance(registry, Registry):
        raise RegistryTypeError(
            f"registry should be a mmengine.Registry object, but got {type(registry)}"
        )
    args = _merged_args(cfg, default_args, "build_scheduler_from_cfg")
    scope = args.pop("_scope_", None)
    if scope is not None:
        _check_cfg_scope(scope, cfg, registry)
    with registry.switch_scope_and_registry(scope) as target:
        convert_to_iter = args.pop("convert_to_iter_based", False)
        if not convert_to_iter:
            args.pop("epoch_length", None)
            return build_from_cfg(args, target)
        if "type" not in args:
            raise KeyError(
                f'`cfg` or `default_args` must contain the key "type", but got {cfg}'
                f"{_type_key_hint(cfg)}"
            )
        scheduler_type = args.pop("type")
        if "epoch_length" not in args or not args.get("by_epoch", True):
            raise RegistryValueError(
                "Only epoch-based parameter scheduler can be converted to "
                "iter-based, and `epoch_length` should be set: got "
                f"by_epoch={args.get('by_epoch', True)!r}, epoch_length="
                f"{args.get('epoch_length', '<missing>')!r} for {scheduler_type!r}. "
                "Set `by_epoch=True` and pass `epoch_length` (the runner does "
                "this from the train dataloader length)."
            )
        if isinstance(scheduler_type, str):
            scheduler_cls = target.get(scheduler_type)
            if scheduler_cls is None:
                raise KeyError(target._not_found_message(scheduler_type))
        elif isinstance(scheduler_type, type):
            scheduler_cls = scheduler_type
        else:
            raise TypeError(
                f"type must be a str or valid type, but got {type(scheduler_type)}\n"
                f"`type` of the scheduler config {cfg!r:.200} must be the name of a "
                f'scheduler registered in the "{registry.name}" registry (e.g. "MultiStepLR") '
                "or a scheduler class."
            )
        build_iter = getattr(scheduler_cls, "build_iter_from_epoch", None)
        if build_iter is None:
            raise TypeError(
                f"{_describe(scheduler_cls)} has no `build_iter_from_epoch` "
                "classmethod, so `convert_to_iter_based=True` cannot be used with it."
            )
        return build_iter(**args)
