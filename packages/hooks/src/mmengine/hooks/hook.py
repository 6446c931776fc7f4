"""The base :class:`Hook`: the hook points a runner calls and the helpers hooks share."""

from __future__ import annotations

from typing import Any, Optional, Union

from mmengine.utils import is_method_overridden

DATA_BATCH = Optional[Union[dict, tuple, list]]

# The three mode helpers each serve one public hook point per mode.
_MODE_HELPER_STAGES: dict[str, tuple[str, ...]] = {
    "_before_epoch": ("before_train_epoch", "before_val_epoch", "before_test_epoch"),
    "_after_epoch": ("after_train_epoch", "after_val_epoch", "after_test_epoch"),
    "_before_iter": ("before_train_iter", "before_val_iter", "before_test_iter"),
    "_after_iter": ("after_train_iter", "after_val_iter", "after_test_iter"),
}


class Hook:
    """Base hook class.

    All hooks should inherit from this class. A runner calls the methods named in
    :attr:`stages` at the matching points of training, validation and testing; every method
    here does nothing, so a subclass overrides only the points it needs.

    The ``*_epoch`` and ``*_iter`` points delegate to the mode helpers
    :meth:`_before_epoch`, :meth:`_after_epoch`, :meth:`_before_iter` and
    :meth:`_after_iter` with ``mode`` set to ``'train'``, ``'val'`` or ``'test'``; override a
    helper to act in all three modes at once.

    Attributes:
        priority (str or int): where the hook runs among the others at a point (see
            ``mmengine.runner.Priority``). Defaults to ``'NORMAL'``.
        stages (tuple[str]): every hook point, in the order a training run reaches them.
    """

    priority: Union[int, str] = "NORMAL"
    stages: tuple[str, ...] = (
        "before_run",
        "after_load_checkpoint",
        "before_train",
        "before_train_epoch",
        "before_train_iter",
        "after_train_iter",
        "after_train_epoch",
        "before_val",
        "before_val_epoch",
        "before_val_iter",
        "after_val_iter",
        "after_val_epoch",
        "after_val",
        "before_save_checkpoint",
        "after_train",
        "before_test",
        "before_test_epoch",
        "before_test_iter",
        "after_test_iter",
        "after_test_epoch",
        "after_test",
        "after_run",
    )

    # ------------------------------------------------------------------ whole run
    def before_run(self, runner: Any) -> None:
        """Run before the training, validation or testing process.

        Args:
            runner (Runner): The runner of the training, validation or testing process.
        """

    def after_run(self, runner: Any) -> None:
        """Run after the training, validation or testing process (also after a failure).

        Args:
            runner (Runner): The runner of the training, validation or testing process.
        """

    def before_train(self, runner: Any) -> None:
        """Run before training.

        Args:
            runner (Runner): The runner of the training process.
        """

    def after_train(self, runner: Any) -> None:
        """Run after training.

        Args:
            runner (Runner): The runner of the training process.
        """

    def before_val(self, runner: Any) -> None:
        """Run before validation.

        Args:
            runner (Runner): The runner of the validation process.
        """

    def after_val(self, runner: Any) -> None:
        """Run after validation.

        Args:
            runner (Runner): The runner of the validation process.
        """

    def before_test(self, runner: Any) -> None:
        """Run before testing.

        Args:
            runner (Runner): The runner of the testing process.
        """

    def after_test(self, runner: Any) -> None:
        """Run after testing.

        Args:
            runner (Runner): The runner of the testing process.
        """

    # ------------------------------------------------------------------ checkpoints
    def before_save_checkpoint(self, runner: Any, checkpoint: dict) -> None:
        """Run before a checkpoint is saved; may edit ``checkpoint`` in place.

        Args:
            runner (Runner): The runner of the training, validation or testing process.
            checkpoint (dict): Model's checkpoint.
        """

    def after_load_checkpoint(self, runner: Any, checkpoint: dict) -> None:
        """Run after a checkpoint is loaded; may edit ``checkpoint`` in place.

        Args:
            runner (Runner): The runner of the training, validation or testing process.
            checkpoint (dict): Model's checkpoint.
        """

    # ------------------------------------------------------------------ epochs
    def before_train_epoch(self, runner: Any) -> None:
        """Run before each training epoch.

        Args:
            runner (Runner): The runner of the training process.
        """
        self._before_epoch(runner, mode="train")

    def before_val_epoch(self, runner: Any) -> None:
        """Run before each validation epoch.

        Args:
            runner (Runner): The runner of the validation process.
        """
        self._before_epoch(runner, mode="val")

    def before_test_epoch(self, runner: Any) -> None:
        """Run before each test epoch.

        Args:
            runner (Runner): The runner of the testing process.
        """
        self._before_epoch(runner, mode="test")

    def after_train_epoch(self, runner: Any) -> None:
        """Run after each training epoch.

        Args:
            runner (Runner): The runner of the training process.
        """
        self._after_epoch(runner, mode="train")

    def after_val_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Run after each validation epoch.

        Args:
            runner (Runner): The runner of the validation process.
            metrics (dict[str, float], optional): Evaluation results of all metrics on the
                validation dataset, keyed by metric name.
        """
        self._after_epoch(runner, mode="val")

    def after_test_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Run after each test epoch.

        Args:
            runner (Runner): The runner of the testing process.
            metrics (dict[str, float], optional): Evaluation results of all metrics on the test
                dataset, keyed by metric name.
        """
        self._after_epoch(runner, mode="test")

    # ------------------------------------------------------------------ iterations
    def before_train_iter(self, runner: Any, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Run before each training iteration.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
        """
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode="train")

    def before_val_iter(self, runner: Any, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Run before each validation iteration.

        Args:
            runner (Runner): The runner of the validation process.
            batch_idx (int): The index of the current batch in the val loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
        """
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode="val")

    def before_test_iter(self, runner: Any, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Run before each test iteration.

        Args:
            runner (Runner): The runner of the testing process.
            batch_idx (int): The index of the current batch in the test loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
        """
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode="test")

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Run after each training iteration.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict, optional): Outputs from model.
        """
        self._after_iter(
            runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs, mode="train"
        )

    def after_val_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Any] = None,
    ) -> None:
        """Run after each validation iteration.

        Args:
            runner (Runner): The runner of the validation process.
            batch_idx (int): The index of the current batch in the val loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (Sequence, optional): Outputs from model.
        """
        self._after_iter(
            runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs, mode="val"
        )

    def after_test_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Any] = None,
    ) -> None:
        """Run after each test iteration.

        Args:
            runner (Runner): The runner of the testing process.
            batch_idx (int): The index of the current batch in the test loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (Sequence, optional): Outputs from model.
        """
        self._after_iter(
            runner, batch_idx=batch_idx, data_batch=data_batch, outputs=outputs, mode="test"
        )

    # ------------------------------------------------------------------ mode helpers
    def _before_epoch(self, runner: Any, mode: str = "train") -> None:
        """Run before each train, val or test epoch (``mode`` says which).

        Args:
            runner (Runner): The runner of the current process.
            mode (str): ``'train'``, ``'val'`` or ``'test'``. Defaults to ``'train'``.
        """

    def _after_epoch(self, runner: Any, mode: str = "train") -> None:
        """Run after each train, val or test epoch (``mode`` says which).

        Args:
            runner (Runner): The runner of the current process.
            mode (str): ``'train'``, ``'val'`` or ``'test'``. Defaults to ``'train'``.
        """

    def _before_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        mode: str = "train",
    ) -> None:
        """Run before each train, val or test iteration (``mode`` says which).

        Args:
            runner (Runner): The runner of the current process.
            batch_idx (int): The index of the current batch in the loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            mode (str): ``'train'``, ``'val'`` or ``'test'``. Defaults to ``'train'``.
        """

    def _after_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[Any] = None,
        mode: str = "train",
    ) -> None:
        """Run after each train, val or test iteration (``mode`` says which).

        Args:
            runner (Runner): The runner of the current process.
            batch_idx (int): The index of the current batch in the loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict or Sequence, optional): Outputs from model.
            mode (str): ``'train'``, ``'val'`` or ``'test'``. Defaults to ``'train'``.
        """

    # ------------------------------------------------------------------ helpers
    def every_n_epochs(self, runner: Any, n: int, start: int = 0) -> bool:
        """Whether the current epoch (1-based, counted from ``start``) is a multiple of ``n``.

        Args:
            runner (Runner): The runner of the training, validation or testing process.
            n (int): The period in epochs; ``n <= 0`` means never.
            start (int): The epoch from which to count. Defaults to 0.

        Returns:
            bool: Whether ``runner.epoch + 1 - start`` is a non-negative multiple of ``n``.
        """
        dividend = runner.epoch + 1 - start
        return dividend % n == 0 if dividend >= 0 and n > 0 else False

    def every_n_inner_iters(self, batch_idx: int, n: int) -> bool:
        """Whether the current iteration within the epoch (1-based) is a multiple of ``n``.

        Args:
            batch_idx (int): Current batch index of the training, validation or testing loop.
            n (int): The period in iterations; ``n <= 0`` means never.

        Returns:
            bool: Whether ``batch_idx + 1`` is a multiple of ``n``.
        """
        return (batch_idx + 1) % n == 0 if n > 0 else False

    def every_n_train_iters(self, runner: Any, n: int, start: int = 0) -> bool:
        """Whether the current training iteration (1-based, from ``start``) is a multiple of ``n``.

        Args:
            runner (Runner): The runner of the training, validation or testing process.
            n (int): The period in iterations; ``n <= 0`` means never.
            start (int): The iteration from which to count. Defaults to 0.

        Returns:
            bool: Whether ``runner.iter + 1 - start`` is a non-negative multiple of ``n``.
        """
        dividend = runner.iter + 1 - start
        return dividend % n == 0 if dividend >= 0 and n > 0 else False

    def end_of_epoch(self, dataloader: Any, batch_idx: int) -> bool:
        """Whether ``batch_idx`` is the last batch of ``dataloader``.

        Args:
            dataloader (DataLoader): The dataloader of the training, validation or testing
                process.
            batch_idx (int): The index of the current batch in the loop.

        Returns:
            bool: Whether the current iteration ends the epoch.
        """
        return batch_idx + 1 == len(dataloader)

    def is_last_train_epoch(self, runner: Any) -> bool:
        """Whether the current epoch is the last training epoch.

        Args:
            runner (Runner): The runner of the training process.

        Returns:
            bool: Whether ``runner.epoch + 1 == runner.max_epochs``.
        """
        return runner.epoch + 1 == runner.max_epochs

    def is_last_train_iter(self, runner: Any) -> bool:
        """Whether the current iteration is the last training iteration.

        Args:
            runner (Runner): The runner of the training process.

        Returns:
            bool: Whether ``runner.iter + 1 == runner.max_iters``.
        """
        return runner.iter + 1 == runner.max_iters

    def get_triggered_stages(self) -> list:
        """The hook points this hook acts at: those its class overrides.

        Overriding a mode helper (e.g. ``_after_iter``) counts as overriding the train, val and
        test points it serves.

        Returns:
            list[str]: the triggered stages, in the order of :attr:`stages`.
        """
        triggered = set()
        for stage in Hook.stages:
            if is_method_overridden(stage, Hook, self):
                triggered.add(stage)
        for helper, stages in _MODE_HELPER_STAGES.items():
            if is_method_overridden(helper, Hook, self):
                triggered.update(stages)
        return [stage for stage in Hook.stages if stage in triggered]
