"""``MMLogger`` (a rank-aware, globally accessible logger) and ``print_log``."""

from __future__ import annotations

import errno
import logging
import os
import os.path as osp
import sys
from logging import Logger, LogRecord

from mmengine.utils._builtin_names import PlainMessage
from mmengine.utils._messages import closest, did_you_mean
from mmengine.utils.manager import ManagerMixin, _accquire_lock, _release_lock  # noqa: F401

from .dist_info import get_device_id as _get_device_id
from .dist_info import get_host_info as _get_host_info
from .dist_info import get_rank as _get_rank
from .dist_info import get_world_size as _get_world_size
from .formatter import FilterDuplicateWarning, MMFormatter

__all__ = ["MMLogger", "print_log", "MMFormatter", "FilterDuplicateWarning"]

_STREAM_DATEFMT = "%m/%d %H:%M:%S"
_FILE_DATEFMT = "%Y/%m/%d %H:%M:%S"


def _parse_level(level: int | str, where: str = "log_level") -> int:
    """Turn ``'INFO'``/``'info'``/``20`` into the numeric level."""
    if isinstance(level, bool) or not isinstance(level, (int, str)):
        raise TypeError(f"`{where}` must be an int or a level name (str), but got {type(level)}.")
    if isinstance(level, int):
        return level
    value = logging.getLevelName(level.upper())
    if not isinstance(value, int):
        names = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "NOTSET"]
        hint = did_you_mean(level.upper(), names)
        raise _LevelNameError(
            f"Unknown level: {level!r}. `{where}`={level!r} is not a logging level;"
            f"{hint} Use one of {names} (or an int such as logging.INFO)."
        )
    return value


class _LevelNameError(PlainMessage, KeyError, ValueError, TypeError):
    """An unknown level name.

    0.10 raised ``KeyError`` for ``MMLogger(log_level=...)``, ``ValueError`` for ``setLevel`` and
    ``TypeError`` for ``print_log(level=...)``: this is all three, so each ``except`` still
    catches it.
    """


def _get_logging_file_handlers() -> dict[str, type]:
    """All :class:`logging.FileHandler` classes of ``logging`` and
    ``logging.handlers``, by class name.

    Returns:
        dict: Map from class name (e.g. ``'RotatingFileHandler'``) to class.
    """
    import logging.handlers  # only when a file handler is configured: it costs ~10 ms

    handlers: dict[str, type] = {}
    for module in (logging, logging.handlers):
        for name, obj in vars(module).items():
            if (
                not name.startswith("_")
                and isinstance(obj, type)
                and issubclass(obj, logging.FileHandler)
            ):
                handlers[name] = obj
    return handlers


class _FileHandlerCfgError(AssertionError, TypeError):
    """``file_handler_cfg`` is not a dict (upstream asserted it)."""


# Words users write for a file mode, and the mode they mean.
_MODE_WORDS = {"append": "a", "write": "w", "overwrite": "w", "new": "w", "w": "w", "a": "a"}


def _file_mode_error(mode: object, where: str) -> Exception | None:
    """The error for a ``file_mode`` the log file cannot be written with, or None.

    ``open()`` accepts a mode of one of ``r``/``w``/``a``/``x``, optionally ``b``/``t`` and
    ``+``, each at most once. A log file also needs a text mode that writes: with ``'r'`` or a
    binary mode the handler opens, but every message fails to be written (logging prints
    "--- Logging error ---" to stderr and the log file stays empty).
    """
    fix = "use 'w' to overwrite the log file or 'a' to append to it"
    if not isinstance(mode, str):
        return TypeError(f"MMLogger: {where} must be a str such as 'w' or 'a', but got {mode!r}.")
    chars = set(mode)
    valid = (
        len(chars) == len(mode)
        and chars <= set("rwaxbt+")
        and sum(c in chars for c in "rwax") == 1
        and not {"b", "t"} <= chars
    )
    if not valid:
        word = mode.strip().lower()
        hint = _MODE_WORDS.get(word)
        if hint is None and word and len(set(word)) == 1 and word[0] in "wa":
            hint = word[0]  # 'ww', 'aa'
        did_you_mean = f" Did you mean {hint!r}?" if hint else ""
        return ValueError(
            f"invalid mode: {mode!r}. MMLogger: {where}={mode!r} is not a file mode."
            f"{did_you_mean} {fix[0].upper()}{fix[1:]}."
        )
    if "b" in chars or mode.replace("t", "") == "r":
        return ValueError(
            f"MMLogger: {where}={mode!r} cannot write the text log file (every message "
            f"would fail to be written); {fix}."
        )
    return None


def _resolve_file_handler(cfg: dict | None, file_mode: str) -> tuple[type, dict]:
    """The handler class that ``file_handler_cfg`` names and its arguments (less ``filename``).

    Everything is checked here, before any directory or file is created.
    """
    cfg = dict(cfg or {})
    type_given = "type" in cfg
    handler_type = cfg.pop("type", "FileHandler")
    if isinstance(handler_type, type) and issubclass(handler_type, logging.Handler):
        handler_cls = handler_type
    else:
        available = _get_logging_file_handlers()
        if handler_type not in available:
            hint = did_you_mean(handler_type, available)
            raise ValueError(
                f"`logging.handlers` does not contain {handler_type}. MMLogger: "
                f"file_handler_cfg type={handler_type!r} is not a file handler of `logging` "
                f"or `logging.handlers`;{hint} Use one of {sorted(available)}."
            )
        handler_cls = available[handler_type]
    import inspect

    params = inspect.signature(handler_cls.__init__).parameters
    if "mode" in params:
        where = "file_mode" if "mode" not in cfg else "file_handler_cfg['mode']"
        cfg.setdefault("mode", file_mode)
        # A handler class of the user's own may give `mode` its own meaning: not checked.
        if handler_cls.__module__ in ("logging", "logging.handlers"):
            mode_error = _file_mode_error(cfg["mode"], where)
            if mode_error is not None:
                raise mode_error
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        accepted = [name for name in params if name != "self" and not name.startswith("*")]
        accepted = [n for n in accepted if params[n].kind is not params[n].VAR_POSITIONAL]
        unknown = [key for key in cfg if key not in accepted]
        if unknown:
            close = {key: match for key in unknown if (match := closest(key, accepted, n=1))}
            hint = "".join(f" Did you mean {c[0]!r} for {k!r}?" for k, c in close.items())
            if not type_given:
                hint += (
                    " file_handler_cfg has no 'type', so FileHandler is used; add e.g. "
                    "type='RotatingFileHandler' or type='TimedRotatingFileHandler'."
                )
            raise TypeError(
                f"{handler_cls.__name__}.__init__() got an unexpected keyword argument "
                f"{unknown[0]!r}. MMLogger: file_handler_cfg has argument(s) {unknown} that "
                f"{handler_cls.__name__} does not take; its arguments are {accepted}.{hint}"
            )
    return handler_cls, cfg


def _open_error(exc: OSError, log_file: str, what: str) -> OSError:
    """``exc`` (same class, errno and message first) with what the user can do about it."""
    if isinstance(exc, IsADirectoryError):
        fix = (
            "log_file must be a file path, not a directory; pass e.g. "
            f"{osp.join(log_file or '.', 'run.log')!r}"
        )
    elif isinstance(exc, NotADirectoryError):
        fix = "a parent of log_file is an existing file, not a directory; choose another path"
    elif isinstance(exc, FileExistsError):
        fix = "the file exists and file_mode 'x' does not overwrite; use 'w' or 'a'"
    elif isinstance(exc, PermissionError):
        fix = "this process may not write there; choose a writable work_dir / log_file"
    else:
        fix = "choose a log_file in a writable directory"
    new = type(exc)(f"{exc}. MMLogger: cannot {what} for log_file={log_file!r}: {fix}.")
    new.errno = exc.errno
    return new


class MMLogger(Logger, ManagerMixin):
    """Formatted logger used to record messages.

    ``MMLogger`` can create a formatted logger to log messages with different
    log levels and get instances in the same way as ``ManagerMixin``:

    - Distributed log storage: only rank 0 writes ``log_file`` unless
      ``distributed=True`` (or ``log_level`` is DEBUG) in a multi-process
      run, where every rank writes its own
      ``{stem}_{user@host}_device{id}_rank{rank}{suffix}`` next to
      ``log_file``.
    - Messages of different levels have different colors and formats on the
      terminal; ERROR messages also show the file, function and line.
    - Only rank 0 prints INFO (``log_level``) and above to the terminal;
      other ranks print only ERROR and above.

    Note:
        - The ``name`` of the logger and the ``instance_name`` of
          ``MMLogger`` can differ. An ``MMLogger`` is reachable only through
          ``MMLogger.get_instance``, not ``logging.getLogger``, so
          third-party logging configuration does not affect it.
        - Unlike ``logging.Logger``, ``MMLogger`` does not fall back to a
          last-resort handler: without handlers, nothing is output.

    Examples:
        >>> import logging
        >>> from mmengine.logging import MMLogger
        >>> logger = MMLogger.get_instance(name='MMLogger',
        ...                                logger_name='Logger')
        >>> # Although logger has name attribute just like `logging.Logger`
        >>> # We cannot get logger instance by `logging.getLogger`.
        >>> assert logger.name == 'Logger'
        >>> assert logger.instance_name == 'MMLogger'
        >>> assert id(logger) != id(logging.getLogger('Logger'))
        >>> # Get logger that do not store logs.
        >>> logger1 = MMLogger.get_instance('logger1')
        >>> # Get logger only save rank0 logs.
        >>> logger2 = MMLogger.get_instance('logger2', log_file='out.log')
        >>> # Get logger only save multiple ranks logs.
        >>> logger3 = MMLogger.get_instance('logger3', log_file='out.log',
        ...                                 distributed=True)

    Args:
        name (str): Global instance name.
        logger_name (str): ``name`` attribute of the ``logging.Logger``.
            Defaults to 'mmengine'.
        log_file (str, optional): The log filename. If specified, a
            ``FileHandler`` will be added to the logger. Defaults to None.
        log_level (str or int): The log level of the handlers. Defaults to
            'INFO'.
        file_mode (str): The file mode used to open the log file. Defaults
            to 'w'.
        distributed (bool): Whether every rank saves its own log file.
            Defaults to False.
        file_handler_cfg (dict, optional): Config of the file handler:
            ``type`` is the name of a ``FileHandler`` class of ``logging`` or
            ``logging.handlers`` (e.g. ``'RotatingFileHandler'``), the other
            keys are its arguments. Defaults to None (``FileHandler``).
    """

    def __init__(
        self,
        name: str,
        logger_name: str = "mmengine",
        log_file: str | os.PathLike | None = None,
        log_level: int | str = "INFO",
        file_mode: str = "w",
        distributed: bool = False,
        file_handler_cfg: dict | None = None,
    ) -> None:
        if not isinstance(logger_name, str):
            raise TypeError(
                f"MMLogger: logger_name must be a str (the `name` of the records), but got "
                f"{logger_name!r}."
            )
        Logger.__init__(self, logger_name)
        ManagerMixin.__init__(self, name)
        log_level = _parse_level(log_level)
        if log_file is not None:
            # Checked on every rank, before anything is created, so that a typo fails at once
            # everywhere (not only on the ranks that open the file).
            if not isinstance(log_file, (str, os.PathLike)):
                raise TypeError(
                    "expected str, bytes or os.PathLike object, not "
                    f"{type(log_file).__name__}. MMLogger: log_file must be a path (str or "
                    f"os.PathLike) or None, but got {log_file!r}."
                )
            log_file = os.fspath(log_file)
            if file_handler_cfg is not None and not isinstance(file_handler_cfg, dict):
                raise _FileHandlerCfgError(
                    "MMLogger: file_handler_cfg must be a dict such as "
                    "dict(type='RotatingFileHandler', maxBytes=1 << 20, backupCount=3), but "
                    f"got {type(file_handler_cfg).__name__}: {file_handler_cfg!r}."
                )
            handler_cls, handler_args = _resolve_file_handler(file_handler_cfg, file_mode)
            if log_file == "":
                raise IsADirectoryError(
                    errno.EISDIR,
                    "Is a directory. MMLogger: log_file is an empty string (the current "
                    "directory); pass a file path such as 'work_dir/run.log', or "
                    "log_file=None to log to the terminal only.",
                )
        global_rank = _get_rank()

        # The terminal: rank 0 shows `log_level` and above, others errors.
        stream_handler = logging.StreamHandler(stream=sys.stdout)
        stream_handler.setFormatter(MMFormatter(color=True, datefmt=_STREAM_DATEFMT))
        stream_handler.setLevel(log_level if global_rank == 0 else logging.ERROR)
        stream_handler.addFilter(FilterDuplicateWarning(logger_name))
        self.handlers.append(stream_handler)

        if log_file is not None:
            world_size = _get_world_size()
            is_distributed = (log_level <= logging.DEBUG or distributed) and world_size > 1
            if is_distributed:
                stem, suffix = osp.splitext(osp.basename(log_file))
                hostname = _get_host_info()
                device_id = _get_device_id()  # may consult torch: only here
                host_part = f"_{hostname}" if hostname else ""
                filename = f"{stem}{host_part}_device{device_id}_rank{global_rank}{suffix}"
                log_file = osp.join(osp.dirname(log_file), filename)
            # Rank 0 always saves its log; other ranks only when distributed.
            if global_rank == 0 or is_distributed:
                log_dir = osp.dirname(log_file)
                if log_dir:
                    try:
                        os.makedirs(log_dir, exist_ok=True)
                    except FileExistsError as exc:  # the parent is a file: as open() says it
                        raise _open_error(
                            NotADirectoryError(errno.ENOTDIR, "Not a directory", log_file),
                            log_file,
                            "create the directory",
                        ) from exc
                    except OSError as exc:
                        raise _open_error(exc, log_file, "create the directory") from exc
                try:
                    file_handler = handler_cls(**{"filename": log_file, **handler_args})
                except OSError as exc:
                    raise _open_error(exc, log_file, "open the file") from exc
                file_handler.setFormatter(MMFormatter(color=False, datefmt=_FILE_DATEFMT))
                file_handler.setLevel(log_level)
                file_handler.addFilter(FilterDuplicateWarning(logger_name))
                self.handlers.append(file_handler)
        self._log_file = log_file

    @property
    def log_file(self) -> str | None:
        """str or None: Path of the file this process logs to (None when no
        ``log_file`` was given)."""
        return self._log_file

    @classmethod
    def get_current_instance(cls) -> MMLogger:
        """Get the latest created ``MMLogger`` instance.

        ``MMLogger`` can call :meth:`get_current_instance` before any
        instance has been created; it then creates and returns a logger with
        the instance name ``'mmengine'``.

        Returns:
            MMLogger: Configured logger instance.
        """
        if not cls._instance_dict:
            cls.get_instance("mmengine")
        return super().get_current_instance()

    def callHandlers(self, record: LogRecord) -> None:  # noqa: N802 (logging API)
        """Pass a record to the handlers of this logger only.

        Overrides ``logging.Logger.callHandlers`` so that records neither
        propagate to parent (root) loggers, which would print messages twice
        in DDP mode, nor reach ``logging.lastResort`` when no handler
        exists.

        Args:
            record (LogRecord): A ``LogRecord`` instance contains logged
                message.
        """
        for handler in self.handlers:
            if record.levelno >= handler.level:
                handler.handle(record)

    def setLevel(self, level: int | str) -> None:  # noqa: N802 (logging API)
        """Set the logging level of this logger.

        ``logging.Logger.setLevel`` clears the caches of the loggers that
        ``logging.Manager`` manages; ``MMLogger`` instances are not managed
        there, so the caches of every ``MMLogger`` instance are cleared
        here instead.

        Args:
            level (int or str): The level, e.g. ``logging.WARNING`` or
                ``'WARNING'``.
        """
        self.level = _parse_level(level, "level")
        for cls in {MMLogger, type(self)}:
            for logger in list(cls._instance_dict.values()):
                logger._cache.clear()
        self._cache.clear()


def current_debug_logger() -> MMLogger | None:
    """The latest created :class:`MMLogger` if one of its handlers shows DEBUG records,
    else None. Creates no logger, and is cheap enough for code that would log a DEBUG line
    on a hot path (the registry, on every lookup and build) to ask first.
    """
    instances = MMLogger._instance_dict
    if not instances:
        return None
    try:
        logger = instances[next(reversed(instances))]
    except (StopIteration, KeyError, RuntimeError):  # emptied by another thread meanwhile
        return None
    for handler in logger.handlers:
        if handler.level <= logging.DEBUG:
            return logger
    return None


def print_log(
    msg: object, logger: Logger | str | None = None, level: int | str = logging.INFO
) -> None:
    """Print a log message.

    Args:
        msg (str): The message to be logged.
        logger (Logger or str, optional): If a ``logging.Logger``, it logs
            the message. Some special values are:

            - "silent": no message will be printed.
            - "current": use the latest created ``MMLogger`` (one named
              'mmengine' is created if none exists).
            - other str: instance name of an ``MMLogger``; a ``ValueError`` is
              raised if it has not been created.
            - None: the ``print()`` function is used.
        level (int or str): Logging level. Only used when ``logger`` is a
            ``Logger`` object, "current", or an instance name. Defaults to
            ``logging.INFO``.

    Raises:
        TypeError: If ``logger`` has another type.
        ValueError: If ``logger`` names an MMLogger that does not exist.
    """
    if logger is None:
        print(msg)
    elif isinstance(logger, Logger):
        logger.log(_parse_level(level, "level"), msg, stacklevel=2)
    elif logger == "silent":
        pass
    elif logger == "current":
        MMLogger.get_current_instance().log(_parse_level(level, "level"), msg, stacklevel=2)
    elif isinstance(logger, str):
        if not MMLogger.check_instance_created(logger):
            names = ["silent", "current", *MMLogger._instance_dict]
            hint = did_you_mean(logger, names)
            raise ValueError(
                f"MMLogger: {logger} has not been created!{hint} print_log: create "
                f"it with MMLogger.get_instance({logger!r}) first, or pass "
                'logger="current", "silent", None or a logging.Logger.'
            )
        MMLogger.get_instance(logger).log(_parse_level(level, "level"), msg, stacklevel=2)
    else:
        raise TypeError(
            '`logger` should be either a logging.Logger object, str, "silent", '
            f'"current" or None, but got {type(logger)}'
        )
