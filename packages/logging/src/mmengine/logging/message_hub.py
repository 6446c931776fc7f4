"""``MessageHub``: globally accessible scalars and runtime information."""

from __future__ import annotations

import copy
import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any  # noqa: F401 (upstream binds it here)

from mmengine.utils._messages import did_you_mean
from mmengine.utils.manager import ManagerMixin

from ._lazy import lazy_numpy
from .history_buffer import HistoryBuffer
from .logger import print_log

np = lazy_numpy(globals())  # numpy is imported on first use

__all__ = ["MessageHub"]


_FALSE_WORDS = ("false", "0", "no", "off", "")


class _HubAssertionError(AssertionError):
    """Base of the errors upstream raised with ``assert``; each subclass also
    derives from the built-in exception that describes it."""


class ResumedKeyConflictError(_HubAssertionError, ValueError):
    """A key was updated with a ``resumed`` flag differing from before."""


class InvalidScalarError(_HubAssertionError, TypeError):
    """A scalar value or count that cannot be logged."""


class NonScalarValueError(_HubAssertionError, ValueError):
    """An array or tensor value that holds more than one element."""


class InvalidStateDictError(_HubAssertionError, KeyError):
    """A state dict that lacks a required key."""


class MalformedStateDictError(AttributeError, TypeError):
    """A state dict entry of the wrong type (upstream failed on a missing ``.items``)."""


class _SerializableHistoryBuffer(HistoryBuffer):
    """A ``HistoryBuffer`` copy, as held in ``MessageHub.state_dict()``.

    In memory it is a full ``HistoryBuffer`` (``.data``, ``.mean()``...). When
    pickled (``torch.save`` of a checkpoint) it is written as a plain
    ``OrderedDict`` of lists and an int, so the checkpoint loads with
    ``torch.load(weights_only=True)``; ``MessageHub.load_state_dict`` turns
    that dict back into a ``HistoryBuffer``.
    """

    @classmethod
    def _copy_of(cls, buffer: HistoryBuffer) -> _SerializableHistoryBuffer:
        new = cls.__new__(cls)
        new.__setstate__(buffer.__getstate__())
        return new

    def __reduce__(self) -> tuple:
        return (OrderedDict, (list(self._to_plain().items()),))

    def __copy__(self) -> _SerializableHistoryBuffer:
        return self._copy_of(self)

    def __deepcopy__(self, memo: dict) -> _SerializableHistoryBuffer:
        return self._copy_of(self)


def _as_history_buffer(value: Any) -> HistoryBuffer | None:
    """``value`` as a plain ``HistoryBuffer``, or None if it is not one or a
    serialized one (a mapping with ``log_history`` and ``count_history``)."""
    if isinstance(value, _SerializableHistoryBuffer):
        return HistoryBuffer._from_plain(value.__getstate__())
    if isinstance(value, HistoryBuffer):
        return value
    if isinstance(value, Mapping) and (
        {"log_history", "count_history"} <= value.keys()
        or {"_log_history", "_count_history"} <= value.keys()
    ):
        return HistoryBuffer._from_plain(dict(value))
    return None


class MessageHub(ManagerMixin):
    """Message hub for component interaction.

    MessageHub is created and accessed in the same way as ManagerMixin.

    ``MessageHub`` records log information and runtime information. The log
    information refers to the learning rate, loss, etc. of the model during
    training phase, which will be stored as ``HistoryBuffer``. The runtime
    information refers to the iter times, meta information of runner etc.,
    which will be overwritten by next update.

    Examples:
        >>> from mmengine.logging import HistoryBuffer, MessageHub
        >>> # create empty `MessageHub`.
        >>> message_hub1 = MessageHub('name')
        >>> log_scalars = dict(loss=HistoryBuffer())
        >>> runtime_info = dict(task='task')
        >>> resumed_keys = dict(loss=True)
        >>> # create `MessageHub` from data.
        >>> message_hub2 = MessageHub(
        ...     name='name',
        ...     log_scalars=log_scalars,
        ...     runtime_info=runtime_info,
        ...     resumed_keys=resumed_keys)

    Args:
        name (str): Name of message hub used to get corresponding instance
            globally.
        log_scalars (dict, optional): Each key-value pair in the dictionary
            is the name of the log information such as "loss", "lr",
            "metric" and their corresponding values. The type of value must
            be HistoryBuffer. Defaults to None.
        runtime_info (dict, optional): Each key-value pair in the dictionary
            is the name of the runtime information and their corresponding
            values. Defaults to None.
        resumed_keys (dict, optional): Each key-value pair in the dictionary
            decides whether the key in ``_log_scalars`` and ``_runtime_info``
            will be serialized by :meth:`state_dict`.

    Note:
        Key in ``_resumed_keys`` belongs to ``_log_scalars`` or
        ``_runtime_info``. The corresponding value cannot be set repeatedly.
    """

    def __init__(
        self,
        name: str,
        log_scalars: dict | None = None,
        runtime_info: dict | None = None,
        resumed_keys: dict | None = None,
    ) -> None:
        super().__init__(name)
        self._log_scalars: OrderedDict = self._parse_input("log_scalars", log_scalars)
        self._runtime_info: OrderedDict = self._parse_input("runtime_info", runtime_info)
        self._resumed_keys: OrderedDict = self._parse_input("resumed_keys", resumed_keys)

        for key, value in list(self._log_scalars.items()):
            buffer = _as_history_buffer(value)
            if buffer is None:
                raise InvalidScalarError(
                    f"MessageHub({name!r}): the value of log_scalars[{key!r}] must "
                    f"be a HistoryBuffer, but got {type(value)}."
                )
            self._log_scalars[key] = buffer
        for key in self._resumed_keys:
            if key not in self._log_scalars and key not in self._runtime_info:
                raise InvalidStateDictError(
                    f"MessageHub({name!r}): resumed key {key!r} is neither a key "
                    "of log_scalars nor of runtime_info."
                )

    @staticmethod
    def _parse_input(name: str, value: Any) -> OrderedDict:
        if value is None:
            return OrderedDict()
        if isinstance(value, dict):
            return OrderedDict(value)
        raise TypeError(f"MessageHub: `{name}` must be a dict or None, but got {type(value)}.")

    @classmethod
    def get_current_instance(cls) -> MessageHub:
        """Get latest created ``MessageHub`` instance.

        :obj:`MessageHub` can call :meth:`get_current_instance` before any
        instance has been created, and return a message hub with the
        instance name "mmengine".

        Returns:
            MessageHub: Empty ``MessageHub`` instance.
        """
        if not cls._instance_dict:
            cls.get_instance("mmengine")
        return super().get_current_instance()

    # ------------------------------------------------------------------ update
    def update_scalar(
        self,
        key: str,
        value: Any,
        count: Any = 1,
        resumed: bool = True,
    ) -> None:
        """Update ``_log_scalars``.

        Update ``HistoryBuffer`` in ``_log_scalars``. If the ``HistoryBuffer``
        of ``key`` exists, ``value`` and ``count`` are passed to its
        ``update``; otherwise a ``HistoryBuffer`` is created from them.

        Examples:
            >>> from mmengine.logging import MessageHub
            >>> message_hub = MessageHub.get_instance('mmengine')
            >>> # create loss `HistoryBuffer` with value=1, count=1
            >>> message_hub.update_scalar('loss', 1)
            >>> # update loss `HistoryBuffer` with value
            >>> message_hub.update_scalar('loss', 3)
            >>> # its ``resumed`` flag cannot change (raises an AssertionError subclass)
            >>> message_hub.update_scalar('loss', 3, resumed=False)
            Traceback (most recent call last):
            ...
            mmengine.logging.message_hub.ResumedKeyConflictError: loss used to be True,
            but got False now. resumed keys cannot be modified repeatedly...

        Note:
            The ``resumed`` argument needs to be consistent for the same
            ``key``.

        Args:
            key (str): Key of ``HistoryBuffer``.
            value (torch.Tensor or np.ndarray or int or float): Value of log;
                tensors and arrays must hold exactly one element.
            count (torch.Tensor or np.ndarray or int): Accumulation times of
                log, defaults to 1. ``count`` will be used in smooth
                statistics.
            resumed (bool): Whether the corresponding ``HistoryBuffer`` could
                be resumed. Defaults to True.
        """
        if self._resumed_keys.get(key) is not resumed:  # new key, or a flag to check
            self._set_resumed_keys(key, resumed)
        # Python numbers (the common case, every iteration) skip the checks' call.
        if type(value) is float or type(value) is int:
            checked_value = value
        elif getattr(value, "is_cpu", True) is False and key in self._log_scalars:
            # A tensor on an accelerator: converted when the buffer is read (no device sync
            # per update; see HistoryBuffer). The first value of a key is converted now.
            self._defer_scalar(key, value, count)
            return
        else:
            checked_value = self._get_valid_value(value, f"the value of scalar {key!r}")
        checked_count = count if type(count) is int else self._get_valid_count(count, key)
        buffer = self._log_scalars.get(key)
        if buffer is None:
            self._log_scalars[key] = HistoryBuffer([checked_value], [checked_count])
        else:
            buffer.update(checked_value, checked_count)

    def update_scalars(self, log_dict: dict, resumed: bool = True) -> None:
        """Update ``_log_scalars`` with a dict.

        ``update_scalars`` iterates through each pair of ``log_dict``
        key-value, and calls ``update_scalar``. If type of value is dict, the
        value should be ``dict(value=xxx)`` or ``dict(value=xxx, count=xxx)``.
        Items in ``log_dict`` share the same resume option.

        Note:
            The ``resumed`` argument needs to be consistent for the same
            ``log_dict``.

        Examples:
            >>> from mmengine.logging import MessageHub
            >>> message_hub = MessageHub.get_instance('mmengine')
            >>> log_dict = dict(a=1, b=2, c=3)
            >>> message_hub.update_scalars(log_dict)
            >>> # The default count of `a`, `b` and `c` is 1.
            >>> log_dict = dict(a=1, b=2, c=dict(value=1, count=2))
            >>> message_hub.update_scalars(log_dict)
            >>> # The count of `c` is 2.

        Args:
            log_dict (dict): Used for batch updating ``_log_scalars``.
            resumed (bool): Whether all ``HistoryBuffer`` referred in
                log_dict should be resumed. Defaults to True.
        """
        if not isinstance(log_dict, dict):
            raise InvalidScalarError(f"`log_dict` must be a dict!, but got {type(log_dict)}")
        resumed_keys = self._resumed_keys
        log_scalars = self._log_scalars
        for log_name, log_val in log_dict.items():
            # Fast path (the per-iteration case): a float for a known key of the same flag.
            if type(log_val) is float and resumed_keys.get(log_name) is resumed:
                buffer = log_scalars.get(log_name)
                if buffer is not None:
                    buffer.update(log_val)
                    continue
            if isinstance(log_val, dict):
                if "value" not in log_val:
                    raise InvalidStateDictError(
                        f"update_scalars: value must be defined in {log_val} "
                        f"(key {log_name!r}); use dict(value=..., count=...)."
                    )
                value = log_val["value"]
                count = log_val.get("count", 1)
            else:
                value, count = log_val, 1
            self.update_scalar(log_name, value, count, resumed)

    def update_info(self, key: str, value: Any, resumed: bool = True) -> None:
        """Update runtime information.

        The runtime information of ``key`` is overwritten on every call.

        Examples:
            >>> from mmengine.logging import MessageHub
            >>> message_hub = MessageHub.get_instance('mmengine')
            >>> message_hub.update_info('iter', 100)

        Note:
            The ``resumed`` argument needs to be consistent for the same
            ``key``.

        Args:
            key (str): Key of runtime information.
            value (Any): Value of runtime information.
            resumed (bool): Whether the corresponding runtime information
                could be resumed. Defaults to True.
        """
        if self._resumed_keys.get(key) is not resumed:  # new key, or a flag to check
            self._set_resumed_keys(key, resumed)
        self._runtime_info[key] = value

    def update_info_dict(self, info_dict: dict, resumed: bool = True) -> None:
        """Update runtime information with dictionary.

        Examples:
            >>> from mmengine.logging import MessageHub
            >>> message_hub = MessageHub.get_instance('mmengine')
            >>> message_hub.update_info_dict({'iter': 100})

        Note:
            The ``resumed`` argument needs to be consistent for the same
            ``info_dict``.

        Args:
            info_dict (dict): Runtime information dictionary.
            resumed (bool): Whether the runtime information could be resumed.
                Defaults to True.
        """
        if not isinstance(info_dict, dict):
            raise InvalidScalarError(f"`info_dict` must be a dict!, but got {type(info_dict)}")
        for key, value in info_dict.items():
            self.update_info(key, value, resumed=resumed)

    def _set_resumed_keys(self, key: str, resumed: bool) -> None:
        """Record whether ``key`` is resumed; the flag cannot change."""
        previous = self._resumed_keys.get(key)
        if isinstance(resumed, str) and resumed.strip().lower() in _FALSE_WORDS:
            # The string 'False' is truthy: the key would be saved in checkpoints against the
            # user's intent. (Only reached for a new key or a changed flag: no per-update cost.)
            raise TypeError(
                f"MessageHub: `resumed` of {key!r} must be True or False, but got the string "
                f"{resumed!r}, which Python treats as true (the key would be saved in "
                "checkpoints); pass resumed=False."
            )
        if previous is None:
            self._resumed_keys[key] = resumed
        elif previous != resumed:
            raise ResumedKeyConflictError(
                f"{key} used to be {previous}, but got {resumed} now. resumed "
                f"keys cannot be modified repeatedly (MessageHub "
                f"{self.instance_name!r}); pass resumed={previous!r} for {key!r}."
            )

    # ---------------------------------------------------------------- accessors
    @property
    def log_scalars(self) -> OrderedDict:
        """OrderedDict: All ``HistoryBuffer`` instances (a reference, not a
        copy, to avoid duplicating large histories)."""
        return self._log_scalars

    @property
    def runtime_info(self) -> OrderedDict:
        """OrderedDict: All runtime information."""
        return self._runtime_info

    @property
    def resumed_keys(self) -> OrderedDict:
        """OrderedDict: Whether each key of ``log_scalars`` and
        ``runtime_info`` is saved by :meth:`state_dict`."""
        return self._resumed_keys

    def get_scalar(self, key: str) -> HistoryBuffer:
        """Get ``HistoryBuffer`` instance by key.

        Note:
            Considering the large memory footprint of history buffers in the
            post-training, :meth:`get_scalar` returns a reference of the
            history buffer rather than a copy.

        Args:
            key (str): Key of ``HistoryBuffer``.

        Returns:
            HistoryBuffer: Corresponding ``HistoryBuffer`` instance if the
            key exists.

        Raises:
            KeyError: If ``key`` has not been updated.
        """
        buffer = self._log_scalars.get(key)
        if buffer is None:
            keys = list(self._log_scalars)
            hint = did_you_mean(key, keys)
            if key in self._runtime_info:
                hint += f" {key!r} is runtime information: read it with get_info({key!r})."
            elif not keys:
                hint += " No scalar has been logged yet (update_scalar / update_scalars)."
            raise KeyError(
                f"{key} is not found in Messagehub.log_buffers: instance name is: "
                f"{self.instance_name}; available keys: {keys}.{hint}"
            )
        return buffer

    def get_info(self, key: str, default: Any | None = None) -> Any:
        """Get runtime information by key.

        Args:
            key (str): Key of runtime information.
            default (Any, optional): Returned if ``key`` does not exist.
                Defaults to None.

        Returns:
            Any: The runtime information of ``key`` (a reference) or
            ``default``.
        """
        return self._runtime_info.get(key, default)

    def pop_info(self, key: str, default: Any | None = None) -> Any:
        """Remove runtime information and return it.

        Args:
            key (str): Key of runtime information.
            default (Any, optional): Returned if ``key`` does not exist.
                Defaults to None.

        Returns:
            Any: The removed value, or ``default``.
        """
        # The key's resumed flag stays, as in 0.10: ``state_dict()`` still lists it, and
        # loading that state warns that the key is not defined.
        return self._runtime_info.pop(key, default)

    @staticmethod
    def _get_valid_value(value: Any, what: str = "value") -> int | float:
        """Convert a number, numpy scalar/array or tensor to a python number.

        Args:
            value: A python number, or a numpy array / numpy scalar / tensor
                holding exactly one element.
            what (str): Description of the value for error messages.

        Returns:
            int or float: The python number.
        """
        if type(value) in (int, float, bool):
            return value
        if isinstance(value, (np.ndarray, np.generic)):
            size = value.size
        elif hasattr(value, "numel") and hasattr(value, "item"):  # torch.Tensor
            size = value.numel()
        else:
            shown = repr(value)
            shown = shown if len(shown) <= 80 else f"{shown[:77]}..."
            hint = ""
            if what.startswith("the count"):
                hint = (
                    " A count is the number of samples the value stands for: an int such as 1 "
                    "or the batch size."
                )
            elif isinstance(value, Mapping):
                hint = (
                    " To log a value with a count, use update_scalars({key: dict(value=..., "
                    "count=...)}) or update_scalar(key, value, count)."
                )
            elif isinstance(value, (list, tuple)):
                hint = " Log one number per call, or reduce the sequence first (e.g. its mean)."
            elif isinstance(value, str):
                hint = " Convert it with float(...) if it is a number."
            elif value is None:
                hint = " Check that the loss/metric was computed before it is logged."
            raise InvalidScalarError(
                f"MessageHub: {what} must be an int, float, numpy scalar or a "
                f"one-element array/tensor, but got {type(value)}: {shown}.{hint}"
            )
        if size != 1:
            raise NonScalarValueError(
                f"MessageHub: {what} must hold exactly one element to be logged "
                f"as a scalar, but got {size} elements "
                f"(shape {tuple(getattr(value, 'shape', ()))}); reduce it first, "
                "e.g. with `.mean()`."
            )
        item = value.item()
        if not isinstance(item, (int, float)):
            raise InvalidScalarError(
                f"MessageHub: {what} must be numeric, but its element is {item!r} ({type(item)})."
            )
        return item

    def _defer_scalar(self, key: str, value: Any, count: Any) -> None:
        """Hand a device tensor to the buffer of ``key`` as a detached copy (the caller may
        change the tensor in place later); non-floating or multi-element tensors are checked
        and converted now, as any other value."""
        if value.numel() != 1 or not value.is_floating_point():
            value = self._get_valid_value(value, f"the value of scalar {key!r}")
            self._log_scalars[key].update(value, self._get_valid_count(count, key))
            return
        checked_count = count if type(count) is int else self._get_valid_count(count, key)
        self._log_scalars[key]._defer(value.detach().clone(), checked_count)

    def _get_valid_count(self, count: Any, key: str) -> int:
        count = self._get_valid_value(count, f"the count of scalar {key!r}")
        if not isinstance(count, int):
            raise InvalidScalarError(
                f"The type of count must be int. but got {type(count)}: {count} (the count of "
                f"scalar {key!r}: the number of samples the value stands for, such as 1 or "
                "the batch size)."
            )
        return count

    # -------------------------------------------------------------- state dict
    def state_dict(self) -> dict:
        """Return the log scalars, runtime information and resumed keys that
        should be resumed.

        History buffers are stored as copies that pickle to plain dicts of
        lists (``log_history``, ``count_history``, ``max_length``), so a
        checkpoint holding the state dict loads with
        ``torch.load(weights_only=True)``. The returned dict can be loaded
        by :meth:`load_state_dict`.

        Returns:
            dict: A dictionary contains ``log_scalars``, ``runtime_info`` and
            ``resumed_keys``.
        """
        saved_scalars: OrderedDict = OrderedDict()
        saved_info: OrderedDict = OrderedDict()
        for key, buffer in self._log_scalars.items():
            if self._resumed_keys.get(key, False):
                saved_scalars[key] = _SerializableHistoryBuffer._copy_of(buffer)
        for key, value in self._runtime_info.items():
            if self._resumed_keys.get(key, False):
                saved_info[key] = self._copy_or_reference(key, value)
        return dict(
            log_scalars=saved_scalars,
            runtime_info=saved_info,
            resumed_keys=OrderedDict(self._resumed_keys),
        )

    def __getstate__(self) -> dict:
        # Pickling a hub (old-style checkpoints) keeps only the resumable
        # entries, as upstream does; the hub itself is left untouched.
        state = self.__dict__.copy()
        keep = self._resumed_keys
        state["_log_scalars"] = OrderedDict(
            (k, v) for k, v in self._log_scalars.items() if keep.get(k, False)
        )
        state["_runtime_info"] = OrderedDict(
            (k, v) for k, v in self._runtime_info.items() if keep.get(k, False)
        )
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @staticmethod
    def _copy_or_reference(key: str, value: Any) -> Any:
        try:
            return copy.deepcopy(value)
        except Exception as exc:
            # 0.10's sentence first, byte for byte (its trailing space included), then why.
            print_log(
                f"{key} in message_hub cannot be copied, just return its reference. "
                f"Copying it raised {type(exc).__name__}: {exc}",
                logger="current",
                level=logging.WARNING,
            )
            return value

    def load_state_dict(self, state_dict: MessageHub | dict) -> None:
        """Loads log scalars, runtime information and resumed keys from
        ``state_dict`` or ``message_hub``.

        If ``state_dict`` is a dictionary returned by :meth:`state_dict`
        (possibly after a pickle round trip, where history buffers became
        plain dicts), its entries are loaded. If ``state_dict`` is a
        ``MessageHub`` instance, copies of all its data are loaded. We
        suggest to load data from a dict rather than a ``MessageHub``.

        Args:
            state_dict (dict or MessageHub): A dictionary contains key
                ``log_scalars``, ``runtime_info`` and ``resumed_keys``, or a
                MessageHub instance.
        """
        if isinstance(state_dict, MessageHub):
            self._log_scalars = copy.deepcopy(state_dict._log_scalars)
            self._runtime_info = copy.deepcopy(state_dict._runtime_info)
            self._resumed_keys = copy.deepcopy(state_dict._resumed_keys)
            return
        if not isinstance(state_dict, Mapping):
            hint = ""
            if isinstance(state_dict, (str, bytes)) or hasattr(state_dict, "__fspath__"):
                hint = (
                    " To resume from a checkpoint file, load it first and pass its "
                    "'message_hub' entry: torch.load(path)['message_hub']."
                )
            raise MalformedStateDictError(
                f"'{type(state_dict).__name__}' object has no attribute '_log_scalars'. "
                "MessageHub.load_state_dict expects a dict returned by "
                f"MessageHub.state_dict() or a MessageHub, but got {type(state_dict)}.{hint}"
            )
        for key in ("log_scalars", "runtime_info", "resumed_keys"):
            if key not in state_dict:
                hint = ""
                if "message_hub" in state_dict:
                    hint = (
                        " This looks like a whole checkpoint: pass "
                        "checkpoint['message_hub'] instead."
                    )
                raise InvalidStateDictError(
                    f"The loaded `state_dict` of `MessageHub` must contain key: "
                    f"`{key}`; got keys {list(state_dict)}.{hint}"
                )
            if not isinstance(state_dict[key], Mapping):
                raise MalformedStateDictError(
                    f"MessageHub.load_state_dict: state_dict[{key!r}] must be a dict, as "
                    f"MessageHub.state_dict() returns, but got "
                    f"{type(state_dict[key]).__name__}: {state_dict[key]!r:.80}. Nothing was "
                    "loaded."
                )
        # Everything is converted before anything is assigned: a corrupt entry leaves the hub
        # as it was.
        buffers: list = []
        for key, value in state_dict["log_scalars"].items():
            try:
                buffer = _as_history_buffer(value)
            except (TypeError, ValueError) as exc:
                try:
                    detailed = type(exc)(
                        f"{exc} (MessageHub.load_state_dict: log_scalars[{key!r}] is corrupt; "
                        "nothing was loaded)"
                    )
                except Exception:  # an exception class with other arguments: keep it
                    raise exc from None
                raise detailed from exc
            if buffer is None:
                print_log(
                    f"{key} in message_hub is not HistoryBuffer ({type(value)}), "
                    "just skip resuming it.",
                    logger="current",
                    level=logging.WARNING,
                )
                continue
            buffers.append((key, buffer))
        infos = [
            (key, self._copy_or_reference(key, value))
            for key, value in state_dict["runtime_info"].items()
        ]
        for key, buffer in buffers:
            self._log_scalars[key] = buffer
        for key, value in infos:
            self._runtime_info[key] = value
        known = set(self._log_scalars) | set(self._runtime_info)
        for key, value in state_dict["resumed_keys"].items():
            if key not in known:
                print_log(
                    f"resumed key: {key} is not defined in message_hub, just skip "
                    "resuming this key.",
                    logger="current",
                    level=logging.WARNING,
                )
                continue
            if not value:
                print_log(
                    f"Although resumed key: {key} is False, {key} will still be "
                    "loaded this time. This key will not be saved by the next "
                    "calling of `state_dict()`",
                    logger="current",
                    level=logging.WARNING,
                )
            self._resumed_keys[key] = value
