"""BaseModule: ``nn.Module`` with config-driven weight initialisation."""

from __future__ import annotations

import copy
import logging
from abc import ABCMeta
from collections import defaultdict
from collections.abc import Iterable
from logging import FileHandler
from typing import Any, Union

import torch.nn as nn

from mmengine.dist import master_only
from mmengine.logging import MMLogger, print_log

from .weight_init import PretrainedInit, initialize, update_init_info
from .wrappers.utils import is_model_wrapper

__all__ = ["BaseModule", "Sequential", "ModuleList", "ModuleDict"]


class InitCfgTypeError(AssertionError, TypeError):
    """``init_cfg`` is neither a dict nor a list of dicts (an AssertionError as in 0.10, and
    a TypeError)."""


def _init_cfg_list(module_name: str, init_cfg: Any) -> list:
    """``init_cfg`` as a list of dicts, or :class:`InitCfgTypeError` saying what is wrong."""
    if isinstance(init_cfg, dict):
        return [init_cfg]
    example = "dict(type='Kaiming', layer='Conv2d')"
    if isinstance(init_cfg, (str, bytes)) or not isinstance(init_cfg, Iterable):
        raise InitCfgTypeError(
            f"init_cfg of {module_name} must be a dict or a list of dict, but got "
            f"{type(init_cfg).__name__} {init_cfg!r}; write it as e.g. {example}."
        )
    cfgs = list(init_cfg)
    for index, item in enumerate(cfgs):
        if not isinstance(item, dict):
            raise InitCfgTypeError(
                f"init_cfg of {module_name} must be a dict or a list of dict, but item "
                f"{index} is {type(item).__name__} {item!r}; write each item as e.g. "
                f"{example}."
            )
    return cfgs


def _is_pretrained_cfg(cfg: Any) -> bool:
    return cfg.get("type") == "Pretrained" or cfg.get("type") is PretrainedInit


class BaseModule(nn.Module, metaclass=ABCMeta):
    """Base module for all modules in openmmlab.

    ``BaseModule`` is a wrapper of ``torch.nn.Module`` with additional
    functionality of parameter initialization. Compared with
    ``torch.nn.Module``, ``BaseModule`` mainly adds three attributes.

    - ``init_cfg``: the config to control the initialization.
    - ``init_weights``: The function of parameter initialization and recording
      initialization information.
    - ``_params_init_info``: Used to track the parameter initialization
      information. This attribute only exists during executing the
      ``init_weights``.

    Note:
        :obj:`PretrainedInit` has a higher priority than any other
        initializer. The loaded pretrained weights will overwrite
        the previous initialized weights.

    Args:
        init_cfg (dict or List[dict], optional): Initialization config dict.
    """

    def __init__(self, init_cfg: Union[dict, list[dict], None] = None) -> None:
        super().__init__()
        self._is_init = False
        self.init_cfg = copy.deepcopy(init_cfg)

    @property
    def is_init(self) -> bool:
        """bool: Whether :meth:`init_weights` has already run."""
        return self._is_init

    @is_init.setter
    def is_init(self, value: bool) -> None:
        self._is_init = value

    def init_weights(self) -> None:
        """Initialize the weights.

        Applies ``init_cfg`` (all non-``Pretrained`` entries first), then calls
        ``init_weights`` of every child that defines one and has not been
        initialised yet, then applies the ``Pretrained`` entries last so
        loaded weights win. The top-level call records how each parameter was
        initialised and dumps that record to the current logger.
        """
        is_top_level_module = False
        if not hasattr(self, "_params_init_info"):
            # Parameter -> {'init_info': str, 'tmp_mean_value': Tensor}; shared
            # by every sub-module so any level can update it.
            self._params_init_info: defaultdict = defaultdict(dict)
            is_top_level_module = True
            for _, param in self.named_parameters():
                self._params_init_info[param]["init_info"] = (
                    "The value is the same before and after calling "
                    f"`init_weights` of {self.__class__.__name__} "
                )
                self._params_init_info[param]["tmp_mean_value"] = param.data.mean().cpu()
            for sub_module in self.modules():
                sub_module._params_init_info = self._params_init_info

        logger = MMLogger.get_current_instance()
        logger_name = logger.instance_name
        module_name = self.__class__.__name__
        try:
            if not self._is_init:
                pretrained_cfgs: list = []
                if self.init_cfg:
                    print_log(
                        f"initialize {module_name} with init_cfg {self.init_cfg}",
                        logger=logger_name,
                        level=logging.DEBUG,
                    )
                    other_cfgs = []
                    for init_cfg in _init_cfg_list(module_name, self.init_cfg):
                        if _is_pretrained_cfg(init_cfg):
                            pretrained_cfgs.append(init_cfg)
                        else:
                            other_cfgs.append(init_cfg)
                    initialize(self, other_cfgs)

                for m in self.children():
                    if is_model_wrapper(m) and not hasattr(m, "init_weights"):
                        m = m.module
                    if hasattr(m, "init_weights") and not getattr(m, "is_init", False):
                        m.init_weights()
                        # users may override `init_weights`
                        update_init_info(
                            m,
                            init_info="Initialized by user-defined `init_weights` "
                            f"in {m.__class__.__name__} ",
                        )
                if pretrained_cfgs:
                    initialize(self, pretrained_cfgs)
                self._is_init = True
            else:
                print_log(
                    f"init_weights of {module_name} has been called more than once.",
                    logger=logger_name,
                    level=logging.WARNING,
                )

            if is_top_level_module:
                self._dump_init_info()
        finally:
            if is_top_level_module:
                for sub_module in self.modules():
                    if hasattr(sub_module, "_params_init_info"):
                        del sub_module._params_init_info

    @master_only
    def _dump_init_info(self) -> None:
        """Dump the initialization information to the current logger.

        Written to the log file when the logger has a ``FileHandler``,
        otherwise printed through the logger.
        """
        logger = MMLogger.get_current_instance()
        logger_name = logger.instance_name
        with_file_handler = False
        for handler in logger.handlers:
            if isinstance(handler, FileHandler):
                handler.stream.write("Name of parameter - Initialization information\n")
                for name, param in self.named_parameters():
                    handler.stream.write(
                        f"\n{name} - {param.shape}: "
                        f"\n{self._params_init_info[param]['init_info']} \n"
                    )
                handler.stream.flush()
                with_file_handler = True
        if not with_file_handler:
            for name, param in self.named_parameters():
                print_log(
                    f"\n{name} - {param.shape}: \n{self._params_init_info[param]['init_info']} \n ",
                    logger=logger_name,
                )

    def __repr__(self) -> str:
        s = super().__repr__()
        if self.init_cfg:
            s += f"\ninit_cfg={self.init_cfg}"
        return s


class Sequential(BaseModule, nn.Sequential):
    """Sequential module in openmmlab.

    Ensures that all modules in ``Sequential`` have a different initialization
    strategy than the outer model.

    Args:
        *args: Modules, in order.
        init_cfg (dict, optional): Initialization config dict.
    """

    def __init__(self, *args: nn.Module, init_cfg: Union[dict, list, None] = None) -> None:
        BaseModule.__init__(self, init_cfg)
        nn.Sequential.__init__(self, *args)


class ModuleList(BaseModule, nn.ModuleList):
    """ModuleList in openmmlab.

    Ensures that all modules in ``ModuleList`` have a different initialization
    strategy than the outer model.

    Args:
        modules (iterable, optional): An iterable of modules to add.
        init_cfg (dict, optional): Initialization config dict.
    """

    def __init__(
        self,
        modules: Iterable[nn.Module] | None = None,
        init_cfg: Union[dict, list, None] = None,
    ) -> None:
        BaseModule.__init__(self, init_cfg)
        nn.ModuleList.__init__(self, modules)


class ModuleDict(BaseModule, nn.ModuleDict):
    """ModuleDict in openmmlab.

    Ensures that all modules in ``ModuleDict`` have a different initialization
    strategy than the outer model.

    Args:
        modules (dict, optional): A mapping (dictionary) of (string: module)
            or an iterable of key-value pairs of type (string, module).
        init_cfg (dict, optional): Initialization config dict.
    """

    def __init__(
        self, modules: dict | None = None, init_cfg: Union[dict, list, None] = None
    ) -> None:
        BaseModule.__init__(self, init_cfg)
        nn.ModuleDict.__init__(self, modules)
