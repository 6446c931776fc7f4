"""Optimizer wrappers, optimizer registration and wrapper constructors."""

from ._deepspeed import DeepSpeedOptimWrapper
from .amp_optimizer_wrapper import AmpOptimWrapper
from .apex_optimizer_wrapper import ApexOptimWrapper
from .base import BaseOptimWrapper
from .builder import OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS, build_optim_wrapper
from .default_constructor import DefaultOptimWrapperConstructor
from .optimizer_wrapper import OptimWrapper
from .optimizer_wrapper_dict import OptimWrapperDict
from .zero_optimizer import ZeroRedundancyOptimizer

__all__ = [
    "OPTIM_WRAPPER_CONSTRUCTORS",
    "OPTIMIZERS",
    "DefaultOptimWrapperConstructor",
    "build_optim_wrapper",
    "OptimWrapper",
    "AmpOptimWrapper",
    "ApexOptimWrapper",
    "OptimWrapperDict",
    "ZeroRedundancyOptimizer",
    "BaseOptimWrapper",
    "DeepSpeedOptimWrapper",
]
