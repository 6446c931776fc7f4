"""Weight initialisation: module-level init functions and config-driven initializers.

The ``*_init`` functions initialise the ``weight`` and ``bias`` of one module. The
initializer classes (registered in :data:`mmengine.registry.WEIGHT_INITIALIZERS`
under the class name without its ``Init`` suffix, e.g. ``'Kaiming'``) walk a
module tree, pick the layers named in ``layer`` and record how every parameter
was initialised when the module carries a ``_params_init_info`` record (see
:meth:`mmengine.model.BaseModule.init_weights`).
"""

from __future__ import annotations

import copy
import logging
import math
import numbers
import warnings
from typing import Any, Union

import torch
import torch.nn as nn

from mmengine.config.parsing import add_note
from mmengine.logging import print_log
from mmengine.registry import WEIGHT_INITIALIZERS, build_from_cfg

__all__ = [
    "update_init_info",
    "constant_init",
    "xavier_init",
    "normal_init",
    "trunc_normal_",
    "trunc_normal_init",
    "uniform_init",
    "kaiming_init",
    "caffe2_xavier_init",
    "bias_init_with_prob",
    "BaseInit",
    "ConstantInit",
    "XavierInit",
    "NormalInit",
    "TruncNormalInit",
    "UniformInit",
    "KaimingInit",
    "Caffe2XavierInit",
    "PretrainedInit",
    "initialize",
]


def update_init_info(module: nn.Module, init_info: str) -> None:
    """Update the ``_params_init_info`` in the module if the value of parameters are changed.

    A parameter is considered re-initialised when its mean value differs from
    the one recorded the last time its information was updated.

    Args:
        module (nn.Module): The module of PyTorch with a user-defined attribute
            ``_params_init_info`` which records the initialization information.
        init_info (str): The string that describes the initialization.

    Raises:
        AssertionError: If ``module`` has no ``_params_init_info`` or a
            parameter was added/replaced while ``init_weights`` was running.
    """
    if not hasattr(module, "_params_init_info"):
        raise AssertionError(
            f"Can not find `_params_init_info` in {module.__class__.__name__}; "
            "update_init_info must be called from within BaseModule.init_weights."
        )
    record = module._params_init_info
    for name, param in module.named_parameters():
        if param not in record:
            raise AssertionError(
                f"Find a new :obj:`Parameter` named `{name}` during executing the "
                f"`init_weights` of `{module.__class__.__name__}`. Please do not add or "
                "replace parameters during executing the `init_weights`. "
            )
        mean_value = param.data.mean().cpu()
        if bool(record[param]["tmp_mean_value"] != mean_value):
            record[param]["init_info"] = init_info
            record[param]["tmp_mean_value"] = mean_value


def _has(module: nn.Module, name: str) -> bool:
    return getattr(module, name, None) is not None


def constant_init(module: nn.Module, val: float, bias: float = 0) -> None:
    """Fill ``module.weight`` with ``val`` and ``module.bias`` with ``bias``."""
    if _has(module, "weight"):
        nn.init.constant_(module.weight, val)
    if _has(module, "bias"):
        nn.init.constant_(module.bias, bias)


def xavier_init(
    module: nn.Module, gain: float = 1, bias: float = 0, distribution: str = "normal"
) -> None:
    """Xavier (Glorot) initialisation of ``module.weight``; constant bias.

    Args:
        module (nn.Module): Module to initialise.
        gain (float): Scaling factor. Defaults to 1.
        bias (float): Value to fill the bias with. Defaults to 0.
        distribution (str): ``'normal'`` or ``'uniform'``. Defaults to ``'normal'``.
    """
    _check_distribution(distribution)
    if _has(module, "weight"):
        if distribution == "uniform":
            nn.init.xavier_uniform_(module.weight, gain=gain)
        else:
            nn.init.xavier_normal_(module.weight, gain=gain)
    if _has(module, "bias"):
        nn.init.constant_(module.bias, bias)


def normal_init(module: nn.Module, mean: float = 0, std: float = 1, bias: float = 0) -> None:
    """Fill ``module.weight`` from N(mean, std^2); constant bias."""
    if _has(module, "weight"):
        nn.init.normal_(module.weight, mean, std)
    if _has(module, "bias"):
        nn.init.constant_(module.bias, bias)


def _standard_normal_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(
    tensor: torch.Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
) -> torch.Tensor:
    r"""Fill ``tensor`` in place from :math:`\mathcal{N}(mean, std^2)` truncated to ``[a, b]``.

    Uses the inverse-CDF method of mmengine 0.10 (and of torch before it switched
    to rejection sampling), so a given seed yields the same values as upstream:
    one ``uniform_`` draw over the whole tensor between the images of ``a`` and
    ``b`` under the normal CDF, mapped back through ``erfinv``, then scaled,
    shifted and clamped to ``[a, b]``.

    Args:
        tensor (torch.Tensor): An n-dimensional tensor, filled in place.
        mean (float): The mean of the normal distribution. Defaults to 0.
        std (float): The standard deviation of the normal distribution. Defaults to 1.
        a (float): The minimum cutoff value. Defaults to -2.
        b (float): The maximum cutoff value. Defaults to 2.

    Returns:
        torch.Tensor: ``tensor`` itself.

    Warns:
        UserWarning: If ``mean`` lies more than two ``std`` outside ``[a, b]``
            (the values are then poorly distributed).
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    return _no_grad_trunc_normal_(tensor, mean, std, a, b)


def _no_grad_trunc_normal_(
    tensor: torch.Tensor, mean: float, std: float, a: float, b: float
) -> torch.Tensor:
    """The sampling of :func:`trunc_normal_` without its argument check (0.10's helper)."""
    with torch.no_grad():
        low = _standard_normal_cdf((a - mean) / std)
        high = _standard_normal_cdf((b - mean) / std)
        tensor.uniform_(2 * low - 1, 2 * high - 1)
        tensor.erfinv_()
        tensor.mul_(std * math.sqrt(2.0))
        tensor.add_(mean)
        tensor.clamp_(min=a, max=b)
    return tensor


def trunc_normal_init(
    module: nn.Module,
    mean: float = 0,
    std: float = 1,
    a: float = -2,
    b: float = 2,
    bias: float = 0,
) -> None:
    """Fill ``module.weight`` from N(mean, std^2) truncated to [a, b]; constant bias.

    The weight is drawn by :func:`trunc_normal_` (bit-identical to mmengine 0.10
    under the same seed); the bias is a constant and consumes no random numbers.
    """
    if _has(module, "weight"):
        trunc_normal_(module.weight, mean, std, a, b)
    if _has(module, "bias"):
        nn.init.constant_(module.bias, bias)


def uniform_init(module: nn.Module, a: float = 0, b: float = 1, bias: float = 0) -> None:
    """Fill ``module.weight`` from U(a, b); constant bias."""
    if _has(module, "weight"):
        nn.init.uniform_(module.weight, a, b)
    if _has(module, "bias"):
        nn.init.constant_(module.bias, bias)


def kaiming_init(
    module: nn.Module,
    a: float = 0,
    mode: str = "fan_out",
    nonlinearity: str = "relu",
    bias: float = 0,
    distribution: str = "normal",
) -> None:
    """Kaiming (He) initialisation of ``module.weight``; constant bias.

    Args:
        module (nn.Module): Module to initialise.
        a (float): Negative slope of the rectifier (``leaky_relu`` only).
        mode (str): ``'fan_in'`` or ``'fan_out'``. Defaults to ``'fan_out'``.
        nonlinearity (str): Name of the non-linearity. Defaults to ``'relu'``.
        bias (float): Value to fill the bias with. Defaults to 0.
        distribution (str): ``'normal'`` or ``'uniform'``. Defaults to ``'normal'``.
    """
    _check_distribution(distribution)
    if _has(module, "weight"):
        if distribution == "uniform":
            nn.init.kaiming_uniform_(module.weight, a=a, mode=mode, nonlinearity=nonlinearity)
        else:
            nn.init.kaiming_normal_(module.weight, a=a, mode=mode, nonlinearity=nonlinearity)
    if _has(module, "bias"):
        nn.init.constant_(module.bias, bias)


def caffe2_xavier_init(module: nn.Module, bias: float = 0) -> None:
    """Caffe2's ``XavierFill`` (a uniform Kaiming init with ``a=1`` and ``fan_in``)."""
    kaiming_init(
        module, a=1, mode="fan_in", nonlinearity="leaky_relu", bias=bias, distribution="uniform"
    )


def bias_init_with_prob(prior_prob: float) -> float:
    """Initialize conv/fc bias value according to a given probability value.

    Args:
        prior_prob (float): Prior probability of the positive class.

    Returns:
        float: ``-log((1 - p) / p)``.

    Raises:
        BiasProbError: If ``prior_prob`` is not strictly between 0 and 1 (a
            ZeroDivisionError for 0, as in 0.10, and a ValueError).
    """
    if not 0 < prior_prob < 1:
        raise BiasProbError(
            f"bias_prob (the prior probability of the positive class) must be between 0 and 1 "
            f"(exclusive), but got {prior_prob!r}: the bias would be "
            f"{'infinite' if prior_prob in (0, 1) else 'NaN'}. Use e.g. bias_prob=0.01."
        )
    return float(-math.log((1 - prior_prob) / prior_prob))


class BiasProbError(ValueError, ZeroDivisionError):
    """``bias_prob`` outside (0, 1) (0.10 divided by zero for 0 and gave an infinite or NaN
    bias otherwise)."""


class InitCfgKeyError(KeyError):
    """A key an init_cfg needs is missing (a KeyError as in 0.10, printed as plain text)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _registered_initializers() -> str:
    return ", ".join(sorted(WEIGHT_INITIALIZERS.module_dict))


def _check_nonnegative_std(owner: str, std: Any) -> None:
    if isinstance(std, (int, float)) and std < 0:
        raise RuntimeError(
            f"normal expects std >= 0.0, but found std {std}: {owner} got std={std!r}; "
            "the standard deviation must not be negative."
        )


def _check_bounds(owner: str, a: Any, b: Any) -> None:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}: "
            f"{owner} got a={a!r} and b={b!r}; `a` is the lower bound and must not exceed `b`."
        )


def _check_distribution(distribution: str) -> None:
    if distribution not in ("uniform", "normal"):
        raise AssertionError(
            f"distribution must be 'uniform' or 'normal', but got {distribution!r}"
        )


def _check_kaiming(owner: str, a: Any, mode: Any, nonlinearity: Any) -> None:
    """Torch's own checks of a kaiming init, made when the initializer is built."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(
            f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out'] "
            f"(the `mode` of {owner})"
        )
    try:
        nn.init.calculate_gain(nonlinearity, a)
    except ValueError as exc:
        raise ValueError(
            f"{exc} (the `nonlinearity`/`a` of {owner}: nonlinearity={nonlinearity!r}, "
            f"a={a!r}). Use one of 'relu', 'leaky_relu' (with a number `a`), 'linear', "
            "'conv1d', 'conv2d', 'conv3d', 'sigmoid', 'tanh', 'selu'."
        ) from exc


def _get_bases_name(m: nn.Module) -> list[str]:
    return [b.__name__ for b in m.__class__.__bases__]


class BaseInit:
    """Base class of the config-driven initializers.

    Args:
        bias (int | float): The value to fill the bias. Defaults to 0.
        bias_prob (float, optional): The probability for bias initialization
            (overrides ``bias`` with :func:`bias_init_with_prob`). Defaults to None.
        layer (str | list[str], optional): The class names of the layers to
            initialise (a layer also matches through the names of its direct
            base classes). Defaults to None, meaning no layer unless the
            initializer is used through ``override`` (whole module).
    """

    def __init__(
        self,
        *,
        bias: float = 0,
        bias_prob: float | None = None,
        layer: str | list[str] | None = None,
    ) -> None:
        self.wholemodule = False
        if not isinstance(bias, (int, float)):
            raise TypeError(f"bias must be a number, but got a {type(bias)}")
        if bias_prob is not None and not isinstance(bias_prob, float):
            raise TypeError(
                f"bias_prob type must be float, but got {type(bias_prob)} ({bias_prob!r})"
            )
        if layer is not None:
            if not isinstance(layer, (str, list)):
                raise TypeError(f"layer must be a str or a list of str, but got a {type(layer)}")
        else:
            layer = []
        self.bias = bias_init_with_prob(bias_prob) if bias_prob is not None else bias
        self.layer = [layer] if isinstance(layer, str) else layer

    def _matches(self, m: nn.Module) -> bool:
        if self.wholemodule:
            return True
        names = {m.__class__.__name__, *_get_bases_name(m)}
        return bool(names & set(self.layer))

    def _init_one(self, m: nn.Module) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, module: nn.Module) -> None:
        matched = 0

        def apply(m: nn.Module) -> None:
            nonlocal matched
            if self._matches(m):
                matched += 1
                self._init_one(m)

        module.apply(apply)
        # read by ``_initialize``: an init_cfg whose ``layer`` matched nothing is reported
        self._matched = matched
        if hasattr(module, "_params_init_info"):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f"{self.__class__.__name__}, bias={self.bias}"


@WEIGHT_INITIALIZERS.register_module(name="Constant")
class ConstantInit(BaseInit):
    """Initialize module parameters with constant values.

    Args:
        val (int | float): The value to fill the weights in the module with.
        bias (int | float): The value to fill the bias. Defaults to 0.
        bias_prob (float, optional): The probability for bias initialization.
            Defaults to None.
        layer (str | list[str], optional): The layer will be initialized.
            Defaults to None.
    """

    def __init__(self, val: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(val, bool) or not isinstance(val, (numbers.Real, torch.Tensor)):
            raise TypeError(
                f"val of ConstantInit must be a number, but got {type(val).__name__} {val!r}"
            )
        self.val = val

    def _init_one(self, m: nn.Module) -> None:
        constant_init(m, self.val, self.bias)

    def _get_init_info(self) -> str:
        return f"{self.__class__.__name__}: val={self.val}, bias={self.bias}"


@WEIGHT_INITIALIZERS.register_module(name="Xavier")
class XavierInit(BaseInit):
    """Initialize module parameters following Glorot & Bengio (2010).

    Args:
        gain (int | float): An optional scaling factor. Defaults to 1.
        distribution (str): Either ``'normal'`` or ``'uniform'``. Defaults to ``'normal'``.
        **kwargs: ``bias``, ``bias_prob`` and ``layer`` as in :class:`BaseInit`.
    """

    def __init__(self, gain: float = 1, distribution: str = "normal", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _check_distribution(distribution)
        self.gain = gain
        self.distribution = distribution

    def _init_one(self, m: nn.Module) -> None:
        xavier_init(m, self.gain, self.bias, self.distribution)

    def _get_init_info(self) -> str:
        return (
            f"{self.__class__.__name__}: gain={self.gain}, "
            f"distribution={self.distribution}, bias={self.bias}"
        )


@WEIGHT_INITIALIZERS.register_module(name="Normal")
class NormalInit(BaseInit):
    r"""Initialize module parameters with values drawn from :math:`\mathcal{N}(mean, std^2)`.

    Args:
        mean (int | float): The mean of the normal distribution. Defaults to 0.
        std (int | float): The standard deviation. Defaults to 1.
        **kwargs: ``bias``, ``bias_prob`` and ``layer`` as in :class:`BaseInit`.
    """

    def __init__(self, mean: float = 0, std: float = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _check_nonnegative_std("NormalInit", std)
        self.mean = mean
        self.std = std

    def _init_one(self, m: nn.Module) -> None:
        normal_init(m, self.mean, self.std, self.bias)

    def _get_init_info(self) -> str:
        return f"{self.__class__.__name__}: mean={self.mean}, std={self.std}, bias={self.bias}"


@WEIGHT_INITIALIZERS.register_module(name="TruncNormal")
class TruncNormalInit(BaseInit):
    r"""Initialize module parameters from :math:`\mathcal{N}(mean, std^2)` truncated to [a, b].

    Args:
        mean (float): The mean of the normal distribution. Defaults to 0.
        std (float): The standard deviation. Defaults to 1.
        a (float): The minimum cutoff value. Defaults to -2.
        b (float): The maximum cutoff value. Defaults to 2.
        **kwargs: ``bias``, ``bias_prob`` and ``layer`` as in :class:`BaseInit`.
    """

    def __init__(
        self, mean: float = 0, std: float = 1, a: float = -2, b: float = 2, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        _check_nonnegative_std("TruncNormalInit", std)
        _check_bounds("TruncNormalInit", a, b)
        self.mean = mean
        self.std = std
        self.a = a
        self.b = b

    def _init_one(self, m: nn.Module) -> None:
        trunc_normal_init(m, self.mean, self.std, self.a, self.b, self.bias)

    def _get_init_info(self) -> str:
        return (
            f"{self.__class__.__name__}: a={self.a}, b={self.b}, "
            f"mean={self.mean}, std={self.std}, bias={self.bias}"
        )


@WEIGHT_INITIALIZERS.register_module(name="Uniform")
class UniformInit(BaseInit):
    r"""Initialize module parameters with values drawn from :math:`\mathcal{U}(a, b)`.

    Args:
        a (int | float): The lower bound. Defaults to 0.
        b (int | float): The upper bound. Defaults to 1.
        **kwargs: ``bias``, ``bias_prob`` and ``layer`` as in :class:`BaseInit`.
    """

    def __init__(self, a: float = 0, b: float = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _check_bounds("UniformInit", a, b)
        self.a = a
        self.b = b

    def _init_one(self, m: nn.Module) -> None:
        uniform_init(m, self.a, self.b, self.bias)

    def _get_init_info(self) -> str:
        return f"{self.__class__.__name__}: a={self.a}, b={self.b}, bias={self.bias}"


@WEIGHT_INITIALIZERS.register_module(name="Kaiming")
class KaimingInit(BaseInit):
    """Initialize module parameters following He et al. (2015).

    Args:
        a (int | float): Negative slope of the rectifier (``leaky_relu`` only). Defaults to 0.
        mode (str): ``'fan_in'`` or ``'fan_out'``. Defaults to ``'fan_out'``.
        nonlinearity (str): The non-linear function name. Defaults to ``'relu'``.
        distribution (str): ``'normal'`` or ``'uniform'``. Defaults to ``'normal'``.
        **kwargs: ``bias``, ``bias_prob`` and ``layer`` as in :class:`BaseInit`.
    """

    def __init__(
        self,
        a: float = 0,
        mode: str = "fan_out",
        nonlinearity: str = "relu",
        distribution: str = "normal",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        _check_kaiming(type(self).__name__, a, mode, nonlinearity)
        _check_distribution(distribution)
        self.a = a
        self.mode = mode
        self.nonlinearity = nonlinearity
        self.distribution = distribution

    def _init_one(self, m: nn.Module) -> None:
        kaiming_init(m, self.a, self.mode, self.nonlinearity, self.bias, self.distribution)

    def _get_init_info(self) -> str:
        return (
            f"{self.__class__.__name__}: a={self.a}, mode={self.mode}, "
            f"nonlinearity={self.nonlinearity}, "
            f"distribution ={self.distribution}, bias={self.bias}"
        )


@WEIGHT_INITIALIZERS.register_module(name="Caffe2Xavier")
class Caffe2XavierInit(KaimingInit):
    """Caffe2's XavierFill: Kaiming uniform with ``a=1``, ``fan_in``, ``leaky_relu``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            a=1, mode="fan_in", nonlinearity="leaky_relu", distribution="uniform", **kwargs
        )


@WEIGHT_INITIALIZERS.register_module(name="Pretrained")
class PretrainedInit:
    """Initialize module by loading a pretrained model.

    Args:
        checkpoint (str): The checkpoint file of the pretrained model (local
            path, URL or any scheme :class:`CheckpointLoader` knows).
        prefix (str, optional): The prefix of a sub-module in the pretrained
            model, to load only part of it, e.g. ``'backbone.'``. Defaults to None.
        map_location (str): Map tensors into proper locations. Defaults to ``'cpu'``.
    """

    def __init__(
        self, checkpoint: str, prefix: str | None = None, map_location: Any = "cpu"
    ) -> None:
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.map_location = map_location

    def __call__(self, module: nn.Module) -> None:
        from .checkpoint import _load_checkpoint_with_prefix, load_checkpoint, load_state_dict

        if self.prefix is None:
            print_log(f"load model from: {self.checkpoint}", logger="current")
            load_checkpoint(
                module,
                self.checkpoint,
                map_location=self.map_location,
                strict=False,
                logger="current",
            )
        else:
            print_log(f"load {self.prefix} in model from: {self.checkpoint}", logger="current")
            state_dict = _load_checkpoint_with_prefix(
                self.prefix, self.checkpoint, map_location=self.map_location
            )
            load_state_dict(module, state_dict, strict=False, logger="current")
        if hasattr(module, "_params_init_info"):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f"{self.__class__.__name__}: load from {self.checkpoint}"


def _layer_types(module: nn.Module) -> list[str]:
    """The class names in ``module``'s tree (what ``layer`` can name), sorted."""
    return sorted({type(m).__name__ for m in module.modules()})


def _close_layer_names(name: str, types: list[str]) -> list[str]:
    """The class names in ``types`` that ``name`` probably misspells (case aside)."""
    from mmengine.utils._messages import closest

    by_lower = {t.lower(): t for t in types}
    return [by_lower[m] for m in closest(str(name).lower(), by_lower, n=1, cutoff=0.8)]


def _initialize(
    module: nn.Module, cfg: dict, wholemodule: bool = False, has_override: bool = False
) -> None:
    if "type" not in cfg:
        raise InitCfgKeyError(
            f"init_cfg {cfg} of {module.__class__.__name__} has no 'type': name the "
            f"initializer, one of {_registered_initializers()}, e.g. "
            "dict(type='Kaiming', layer='Conv2d')."
        )
    func = build_from_cfg(cfg, WEIGHT_INITIALIZERS)
    # ``wholemodule`` is set for ``override``: the named sub-module is
    # initialised entirely, whatever its layer types.
    func.wholemodule = wholemodule
    try:
        func(module)
    except Exception as exc:
        add_note(exc, f"(raised while applying init_cfg {cfg} to {module.__class__.__name__})")
        raise
    if getattr(func, "_matched", None) == 0 and not wholemodule:
        layers = getattr(func, "layer", None)
        if layers:
            # A warning only for a probably misspelt `layer` (close to a class in the module):
            # zoo heads share a default init_cfg for layers some variants lack (mmpose's
            # HeatmapHead without deconvolutions has no BatchNorm2d), which 0.10 passes quietly.
            types = _layer_types(module)
            close = [m for name in layers for m in _close_layer_names(name, types)]
            print_log(
                f"init_cfg {cfg} of {module.__class__.__name__} initialized nothing: no module "
                f"in it is a {' or '.join(map(repr, layers))}. `layer` takes class names "
                f"(case-sensitive, matching the class or its direct base classes); this one "
                f"contains {', '.join(types)}."
                + (f" Did you mean {' or '.join(map(repr, close))}?" if close else ""),
                logger="current",
                level=logging.WARNING if close else logging.DEBUG,
            )
        elif not has_override:
            print_log(
                f"init_cfg {cfg} of {module.__class__.__name__} initialized nothing: it has "
                "neither `layer` (the class names of the layers to initialize, e.g. "
                "layer='Conv2d') nor `override` (sub-modules by attribute name).",
                logger="current",
                level=logging.WARNING,
            )


def _resolve_override_target(module: nn.Module, name: str, cfg: dict) -> nn.Module:
    target: Any = module
    for part in name.split("."):
        if not hasattr(target, part):
            children = (
                [n for n, _ in target.named_children()] if hasattr(target, "_modules") else []
            )
            where = "" if target is module else f" ({part!r} is not in {type(target).__name__})"
            raise RuntimeError(
                f"module {module.__class__.__name__} did not have attribute {name}, "
                f"but init_cfg is {cfg}. Check the `name` in `override`{where}: it is an "
                f"attribute path of a sub-module; the sub-modules there are {children}."
            )
        target = getattr(target, part)
    return target


def _initialize_override(module: nn.Module, override: Union[dict, list], cfg: dict) -> None:
    if not isinstance(override, (dict, list)):
        raise TypeError(f"override must be a dict or a list of dict, but got {type(override)}")
    overrides = [override] if isinstance(override, dict) else override
    for override_ in overrides:
        cp_override = copy.deepcopy(dict(override_))
        name = cp_override.pop("name", None)
        if name is None:
            raise ValueError(f'`override` must contain the key "name", but got {cp_override}')
        if not cp_override:
            # only ``name`` given: reuse the arguments of the outer init_cfg
            cp_override.update(cfg)
        elif "type" not in cp_override:
            raise ValueError(f'`override` need "type" key, but got {cp_override}')
        target = _resolve_override_target(module, name, cp_override)
        _initialize(target, cp_override, wholemodule=True)


def initialize(module: nn.Module, init_cfg: Union[dict, list[dict]]) -> None:
    """Initialize a module.

    Args:
        module (torch.nn.Module): the module will be initialized.
        init_cfg (dict | list[dict]): initialization configuration dict to
            define initializer. Each dict has a ``type`` registered in
            ``WEIGHT_INITIALIZERS`` (``Constant``, ``Xavier``, ``Normal``,
            ``TruncNormal``, ``Uniform``, ``Kaiming``, ``Caffe2Xavier``,
            ``Pretrained``), an optional ``layer`` and an optional
            ``override`` (dict or list of dicts with a ``name`` key naming
            the sub-module to initialise differently).

    Example:
        >>> import torch.nn as nn
        >>> from mmengine.model import initialize
        >>> module = nn.Linear(2, 3, bias=True)
        >>> init_cfg = dict(type='Constant', layer='Linear', val=1, bias=2)
        >>> initialize(module, init_cfg)
        >>> module.weight.tolist(), module.bias.tolist()
        ([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], [2.0, 2.0, 2.0])
    """
    if not isinstance(init_cfg, (dict, list)):
        raise TypeError(f"init_cfg must be a dict or a list of dict, but got {type(init_cfg)}")
    cfgs = [init_cfg] if isinstance(init_cfg, dict) else init_cfg
    for cfg in cfgs:
        # deep copy: one init_cfg may be shared by many modules
        cp_cfg = copy.deepcopy(dict(cfg))
        override = cp_cfg.pop("override", None)
        _initialize(module, cp_cfg, has_override=override is not None)
        if override is not None:
            cp_cfg.pop("layer", None)
            _initialize_override(module, override, cp_cfg)
