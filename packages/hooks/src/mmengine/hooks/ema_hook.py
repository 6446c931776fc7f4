"""EMAHook: keep an exponential moving average of the weights and evaluate with it."""

from __future__ import annotations

import copy
import logging
from itertools import chain
from typing import Any, Optional

from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS, MODELS

from .hook import DATA_BATCH, Hook


@HOOKS.register_module()
class EMAHook(Hook):
    """A Hook to apply Exponential Moving Average (EMA) on the model during training.

    Note:
        - EMAHook takes priority over CheckpointHook.
        - The original model parameters are actually saved in ``ema`` field after train.
        - ``begin_iter`` and ``begin_epoch`` cannot be set at the same time.

    During validation and testing the averaged weights are swapped into the model; in saved
    checkpoints ``state_dict`` holds the averaged weights (ready for deployment) and
    ``ema_state_dict`` the averaged model with the source weights swapped in, so that resuming
    restores both.

    Args:
        ema_type (str): The type of EMA strategy to use (a ``MODELS`` name, see
            ``mmengine.model.averaged_model``). Defaults to 'ExponentialMovingAverage'.
        strict_load (bool): Whether to strictly enforce that the keys of ``state_dict`` in
            checkpoint match the keys returned by ``self.module.state_dict``. Defaults to
            False.
        begin_iter (int): The number of iteration to enable EMAHook. Defaults to 0.
        begin_epoch (int): The number of epoch to enable EMAHook. Defaults to 0.
        **kwargs: Keyword arguments passed to subclasses of ``BaseAveragedModel``.
    """

    priority = "NORMAL"

    def __init__(
        self,
        ema_type: str = "ExponentialMovingAverage",
        strict_load: bool = False,
        begin_iter: int = 0,
        begin_epoch: int = 0,
        **kwargs: Any,
    ) -> None:
        self.strict_load = strict_load
        self.ema_cfg = dict(type=ema_type, **kwargs)
        if begin_iter != 0 and begin_epoch != 0:
            raise AssertionError(
                "`begin_iter` and `begin_epoch` should not be both set. (EMAHook: set one of "
                f"them; got begin_iter={begin_iter}, begin_epoch={begin_epoch}.)"
            )
        if begin_iter < 0:
            raise AssertionError(
                "`begin_iter` must larger than or equal to 0, but got begin_iter: "
                f"{begin_iter} (EMAHook: 0 starts the average at the first iteration)."
            )
        if begin_epoch < 0:
            raise AssertionError(
                "`begin_epoch` must larger than or equal to 0, but got begin_epoch: "
                f"{begin_epoch} (EMAHook: 0 starts the average at the first epoch)."
            )
        self.begin_iter = begin_iter
        self.begin_epoch = begin_epoch
        # Without begin_epoch the EMA starts at begin_iter (0 by default).
        self.enabled_by_epoch = self.begin_epoch > 0

    def before_run(self, runner: Any) -> None:
        """Create an ema copy of the model.

        Args:
            runner (Runner): The runner of the training process.
        """
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        self.src_model = model
        self.ema_model = MODELS.build(self.ema_cfg, default_args=dict(model=self.src_model))

    def before_train(self, runner: Any) -> None:
        """Check the begin_epoch/iter is smaller than max_epochs/iters.

        Args:
            runner (Runner): The runner of the training process.
        """
        if self.enabled_by_epoch:
            if self.begin_epoch > runner.max_epochs:
                raise AssertionError(
                    "self.begin_epoch should be smaller than or equal to runner.max_epochs: "
                    f"{runner.max_epochs}, but got begin_epoch: {self.begin_epoch} (EMAHook: "
                    "the average would never start; lower begin_epoch or raise max_epochs)."
                )
        elif self.begin_iter > runner.max_iters:
            raise AssertionError(
                "self.begin_iter should be smaller than or equal to runner.max_iters: "
                f"{runner.max_iters}, but got begin_iter: {self.begin_iter} (EMAHook: the "
                "average would never start; lower begin_iter or raise max_iters)."
            )

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Update ema parameter (or, before it starts, copy the source weights).

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (Sequence[dict], optional): Data from dataloader. Defaults to None.
            outputs (dict, optional): Outputs from model. Defaults to None.
        """
        if self._ema_started(runner):
            self.ema_model.update_parameters(self.src_model)
        else:
            ema_params = self.ema_model.module.state_dict()
            src_params = self.src_model.state_dict()
            for name, param in ema_params.items():
                param.data.copy_(src_params[name].data)

    def before_val_epoch(self, runner: Any) -> None:
        """Load the averaged weights into the model before validation.

        Args:
            runner (Runner): The runner of the training process.
        """
        self._swap_ema_parameters()

    def after_val_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Restore the source weights after validation.

        Args:
            runner (Runner): The runner of the validation process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        self._swap_ema_parameters()

    def before_test_epoch(self, runner: Any) -> None:
        """Load the averaged weights into the model before test.

        Args:
            runner (Runner): The runner of the testing process.
        """
        self._swap_ema_parameters()

    def after_test_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Restore the source weights after test.

        Args:
            runner (Runner): The runner of the testing process.
            metrics (dict[str, float], optional): Evaluation results of all metrics.
        """
        self._swap_ema_parameters()

    def before_save_checkpoint(self, runner: Any, checkpoint: dict) -> None:
        """Save ema parameters to checkpoint.

        ``checkpoint['state_dict']`` receives the averaged weights and
        ``checkpoint['ema_state_dict']`` the source ones (keys ``module.<name>``).

        Args:
            runner (Runner): The runner of the testing process.
            checkpoint (dict): Model's checkpoint.
        """
        checkpoint["ema_state_dict"] = self.ema_model.state_dict()
        # The state dicts share storage with the live parameters, so swap the entries of the
        # dicts rather than the parameters themselves.
        self._swap_ema_state_dict(checkpoint)

    def after_load_checkpoint(self, runner: Any, checkpoint: dict) -> None:
        """Resume ema parameters from checkpoint.

        When resuming a checkpoint saved with EMA, the swap done at save time is undone (so
        the model gets its source weights back) and the averaged model is restored; otherwise
        the averaged model starts as a copy of the loaded weights.

        Args:
            runner (Runner): The runner of the testing process.
            checkpoint (dict): Model's checkpoint.
        """
        from mmengine.model.checkpoint import load_state_dict

        resuming = bool(getattr(runner, "_resume", False))
        if "ema_state_dict" in checkpoint and resuming:
            self._swap_ema_state_dict(checkpoint)
            self.ema_model.load_state_dict(checkpoint["ema_state_dict"], strict=self.strict_load)
        else:
            if resuming:
                print_log(
                    "There is no `ema_state_dict` in checkpoint. `EMAHook` will make a copy of "
                    "`state_dict` as the initial `ema_state_dict`",
                    "current",
                    logging.WARNING,
                )
            load_state_dict(
                self.ema_model.module,
                copy.deepcopy(checkpoint["state_dict"]),
                strict=self.strict_load,
            )

    def _swap_ema_parameters(self) -> None:
        """Swap the parameters (and buffers when averaged) of the model and the ema model."""
        if self.ema_model.update_buffers:
            avg_param = chain(self.ema_model.module.parameters(), self.ema_model.module.buffers())
            src_param = chain(self.src_model.parameters(), self.src_model.buffers())
        else:
            avg_param = self.ema_model.module.parameters()
            src_param = self.src_model.parameters()
        for p_avg, p_src in zip(avg_param, src_param):
            tmp = p_avg.data.clone()
            p_avg.data.copy_(p_src.data)
            p_src.data.copy_(tmp)

    def _swap_ema_state_dict(self, checkpoint: dict) -> None:
        """Swap the entries of ``state_dict`` and ``ema_state_dict`` in ``checkpoint``."""
        model_state = checkpoint["state_dict"]
        ema_state = checkpoint["ema_state_dict"]
        for key in ema_state:
            if key[:7] == "module.":
                tmp = ema_state[key]
                ema_state[key] = model_state[key[7:]]
                model_state[key[7:]] = tmp

    def _ema_started(self, runner: Any) -> bool:
        """Whether the EMA has started (``begin_epoch``/``begin_iter`` reached).

        Args:
            runner (Runner): The runner of the training process.

        Returns:
            bool: Whether the EMA has been started.
        """
        if self.enabled_by_epoch:
            return runner.epoch + 1 >= self.begin_epoch
        return runner.iter + 1 >= self.begin_iter
