"""Efficient evaluation of conv+BN blocks (BN in eval mode folded into the conv on the fly).

Implementation of "Tune-Mode ConvBN Blocks For Efficient Transfer Learning"
(https://arxiv.org/abs/2305.11624): when a BatchNorm directly follows a
convolution and is in ``eval`` mode, ``bn(conv(x))`` equals a convolution with
rescaled weight and shifted bias. Computing that folded convolution saves the
memory of the intermediate feature map while keeping gradients flowing to the
conv and BN parameters.
"""

from __future__ import annotations

from typing import Union

import torch
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.conv import _ConvNd, _ConvTransposeNd

__all__ = [
    "efficient_conv_bn_eval_forward",
    "efficient_conv_bn_eval_control",
    "efficient_conv_bn_eval_graph_transform",
    "turn_on_efficient_conv_bn_eval_for_single_model",
    "turn_on_efficient_conv_bn_eval",
]


def efficient_conv_bn_eval_forward(bn: _BatchNorm, conv: _ConvNd, x: torch.Tensor) -> torch.Tensor:
    """Compute ``bn(conv(x))`` for an eval-mode ``bn`` as one convolution.

    Handles BN without affine parameters and conv without bias.

    Args:
        bn (_BatchNorm): a BatchNorm module (eval mode, with running stats).
        conv (_ConvNd): the convolution feeding ``bn``.
        x (torch.Tensor): input of the convolution.

    Returns:
        torch.Tensor: the output of the conv+BN block.
    """
    running_var = bn.running_var
    conv_bias = conv.bias if conv.bias is not None else torch.zeros_like(running_var)
    bn_weight = bn.weight if bn.weight is not None else torch.ones_like(running_var)
    bn_bias = bn.bias if bn.bias is not None else torch.zeros_like(running_var)
    # shape [C_out, 1, 1, ...] to broadcast over the conv weight
    scale = torch.rsqrt(running_var + bn.eps).reshape([-1] + [1] * (conv.weight.dim() - 1))
    coeff = bn_weight.view_as(scale) * scale
    weight = conv.weight * coeff
    bias = bn_bias + coeff.flatten() * (conv_bias - bn.running_mean)
    return conv._conv_forward(x, weight, bias)


def efficient_conv_bn_eval_control(bn: _BatchNorm, conv: _ConvNd, x: torch.Tensor) -> torch.Tensor:
    """Use :func:`efficient_conv_bn_eval_forward` when ``bn`` is in eval mode.

    In training mode the block is computed as usual (``bn(conv(x))``).

    Args:
        bn (_BatchNorm): a BatchNorm module.
        conv (_ConvNd): the convolution feeding ``bn``.
        x (torch.Tensor): input of the convolution.

    Returns:
        torch.Tensor: the output of the conv+BN block.
    """
    if (
        not bn.training
        and bn.track_running_stats
        and bn.running_var is not None
        and not isinstance(conv, _ConvTransposeNd)
    ):
        return efficient_conv_bn_eval_forward(bn, conv, x)
    return bn(conv(x))


def efficient_conv_bn_eval_graph_transform(fx_model: torch.fx.GraphModule) -> None:
    """Replace every conv->BN pair of an FX graph with :func:`efficient_conv_bn_eval_control`.

    Only pairs where the conv output feeds nothing but the BN are replaced;
    transposed convolutions are left alone.
    The graph is modified in place and recompiled.

    Args:
        fx_model (torch.fx.GraphModule): the traced model.
    """
    modules = dict(fx_model.named_modules())
    pairs = []
    for node in fx_model.graph.nodes:
        if node.op != "call_module" or not isinstance(modules.get(node.target), _BatchNorm):
            continue
        if not node.args:
            continue
        source = node.args[0]
        if not isinstance(source, torch.fx.Node) or source.op != "call_module":
            continue
        conv = modules.get(source.target)
        if not isinstance(conv, _ConvNd) or isinstance(conv, _ConvTransposeNd):
            continue
        if len(source.users) > 1:
            continue
        pairs.append((source, node))

    graph = fx_model.graph
    for conv_node, bn_node in pairs:
        with graph.inserting_before(conv_node):
            conv_get = graph.create_node(op="get_attr", target=conv_node.target, name="get_conv")
            bn_get = graph.create_node(op="get_attr", target=bn_node.target, name="get_bn")
            new_node = graph.create_node(
                op="call_function",
                target=efficient_conv_bn_eval_control,
                args=(bn_get, conv_get, conv_node.args[0]),
                name="efficient_conv_bn_eval",
            )
        bn_node.replace_all_uses_with(new_node)
        graph.erase_node(bn_node)
        graph.erase_node(conv_node)
    graph.lint()
    fx_model.recompile()


def turn_on_efficient_conv_bn_eval_for_single_model(model: nn.Module) -> None:
    """Trace ``model`` with ``torch.fx`` and make its forward use efficient conv+BN eval.

    Args:
        model (nn.Module): a module that ``torch.fx.symbolic_trace`` can trace.
    """
    import torch.fx as fx

    fx_model: fx.GraphModule = fx.symbolic_trace(model)
    efficient_conv_bn_eval_graph_transform(fx_model)
    model.forward = fx_model.forward  # type: ignore[method-assign]


def turn_on_efficient_conv_bn_eval(model: nn.Module, modules: Union[list[str], str]) -> None:
    """Turn on efficient conv+BN eval for the named sub-modules of ``model``.

    Args:
        model (nn.Module): the model.
        modules (list[str] | str): dotted names of the sub-modules to
            transform (e.g. ``'backbone'``); each must be traceable by
            ``torch.fx``.
    """
    if isinstance(modules, str):
        modules = [modules]
    for module_name in modules:
        module = model
        for part in module_name.split(".") if module_name else ():
            try:
                module = getattr(module, part)
            except AttributeError as exc:
                # torch's sentence first (the one 0.10 raised), then which name was wrong
                raise AttributeError(
                    f"{exc} (turn_on_efficient_conv_bn_eval: {type(model).__name__} has no "
                    f"sub-module {module_name!r})"
                ) from exc
        turn_on_efficient_conv_bn_eval_for_single_model(module)
