"""CheckpointHook: save checkpoints on a schedule, keep the newest few and the best ones.

The hook holds the policy (when to save, which metric, which rule); storage (atomic writes,
rotation, the ``last_checkpoint`` pointer, best files, leftover temporaries) is the
:class:`~mmengine.hooks.checkpoint_store.CheckpointStore`'s, which the hook sets up in
``before_train`` and hands to the runner (``runner.checkpoint_store``) so that the runner's
preemption and exception checkpoints follow the same rules.
"""

from __future__ import annotations

import hashlib
import logging
import os.path as osp
import pickle
from collections import deque
from collections.abc import Callable, Sequence
from math import inf
from pathlib import Path
from typing import Any, Optional, Union

from mmengine.dist import is_main_process, master_only  # noqa: F401 - upstream binds is_main_process here
from mmengine.fileio import (
    FileClient,  # noqa: F401 - upstream binds FileClient here
    LocalBackend,
    get_file_backend,
)
from mmengine.logging import print_log
from mmengine.registry import HOOKS
from mmengine.utils import is_list_of, is_seq_of

from ._checkpoint_checks import (
    check_filename_tmpl,
    check_loop_kind,
    check_save_kwargs,
    check_schedule_args,
)
from ._checks import (
    check_integer,
    check_scalar_metric,
    ensure_local_dir,
)
from ._file_client import LazyFileClient, _infer_file_client
from .checkpoint_store import POINTER_FILE as _POINTER_FILE  # noqa: F401
from .checkpoint_store import CheckpointStore
from .early_stopping_hook import infer_rule
from .hook import DATA_BATCH, Hook


def _check_file_client_args(file_client_args: Optional[dict], backend_args: Optional[dict]) -> None:
    if file_client_args is None:
        return
    print_log(
        '"file_client_args" will be deprecated in future. Please use "backend_args" instead',
        logger="current",
        level=logging.WARNING,
    )
    if backend_args is not None:
        raise ValueError('"file_client_args" and "backend_args" cannot be set at the same time.')


def _save_best_list(save_best: Any) -> Optional[list[str]]:
    """``save_best`` as None or a list of metric names (upstream's checks)."""
    if not (isinstance(save_best, str) or is_list_of(save_best, str) or save_best is None):
        raise AssertionError(
            f'"save_best" should be a str or list of str or None, but got {type(save_best)}'
        )
    if isinstance(save_best, list):
        if "auto" in save_best and len(save_best) != 1:
            raise AssertionError('Only support one "auto" in "save_best" list.')
        if len(save_best) != len(set(save_best)):
            raise AssertionError(f'Find duplicate element in "save_best": {save_best}.')
        return save_best
    return None if save_best is None else [save_best]


def _rule_list(rule: Any, save_best: Optional[list[str]]) -> list:
    """``rule`` as a list of rules (None entries are inferred from the key names)."""
    if not (isinstance(rule, str) or is_list_of(rule, str) or rule is None):
        raise AssertionError(f'"rule" should be a str or list of str or None, but got {type(rule)}')
    if not isinstance(rule, list):
        return [rule]
    if len(rule) not in (1, len(save_best) if save_best is not None else 1):
        raise AssertionError(
            f'Number of "rule" must be 1 or the same as number of "save_best", but got {len(rule)}.'
        )
    return rule


def _published_keys_list(published_keys: Any) -> Optional[Sequence[str]]:
    if not (
        isinstance(published_keys, str) or is_seq_of(published_keys, str) or published_keys is None
    ):
        raise TypeError(
            '"published_keys" should be a str or a sequence of str or None, but got '
            f"{type(published_keys)}"
        )
    if isinstance(published_keys, str):
        return [published_keys]
    if isinstance(published_keys, (list, tuple)) and len(published_keys) != len(
        set(published_keys)
    ):
        raise AssertionError(f'Find duplicate elements in "published_keys": {published_keys}.')
    return published_keys


@HOOKS.register_module()
class CheckpointHook(Hook):
    """Save checkpoints periodically.

    Checkpoints are written through a :class:`CheckpointStore` (``self.store``, also
    ``runner.checkpoint_store``): atomically, then the ``last_checkpoint`` pointer file in
    ``runner.work_dir`` (and in ``out_dir`` when it differs) names the new checkpoint, and
    only then are the checkpoints beyond ``max_keep_ckpts`` deleted, so an interruption at
    any moment leaves a usable checkpoint and pointer. The kept checkpoints and the best
    scores and paths live in ``runner.message_hub`` runtime info, so they survive a resume.

    Args:
        interval (int): The saving period. If ``by_epoch=True``, interval indicates epochs,
            otherwise it indicates iterations. Defaults to -1, which means "never".
        by_epoch (bool): Saving checkpoints by epoch or by iteration. Defaults to True.
        save_optimizer (bool): Whether to save optimizer state_dict in the checkpoint. It is
            usually used for resuming experiments. Defaults to True.
        save_param_scheduler (bool): Whether to save param_scheduler state_dict in the
            checkpoint. It is usually used for resuming experiments. Defaults to True.
        out_dir (str, Path, optional): The root directory to save checkpoints. If not
            specified, ``runner.work_dir`` will be used by default. If specified, the
            ``out_dir`` will be the concatenation of ``out_dir`` and the last level directory
            of ``runner.work_dir``. Defaults to None.
        max_keep_ckpts (int): The maximum checkpoints to keep. Defaults to -1, which means
            unlimited.
        save_last (bool): Whether to force the last checkpoint to be saved regardless of
            interval. Defaults to True.
        save_best (str, List[str], optional): Metric(s) whose best value selects the best
            checkpoint(s) during evaluation; ``'auto'`` uses the first metric returned.
            With several validation datasets the keys carry the dataset's name
            (``'coco/bbox_mAP'``) and ``'auto'`` is the first dataset's first metric. A ``/``
            in a key becomes ``_`` in the file name (``best_coco_bbox_mAP_epoch_3.pth``).
            Defaults to None.
        rule (str, List[str], optional): Comparison rule(s) for best score, ``'greater'`` or
            ``'less'``; None infers it from the key (accuracy-like keys greater, loss-like
            keys less). A list must have one entry per ``save_best`` metric. Defaults to None.
        greater_keys (List[str], optional): Metric keys that will be inferred by 'greater'
            comparison rule. If None, ``_default_greater_keys`` will be used.
        less_keys (List[str], optional): Metric keys that will be inferred by 'less'
            comparison rule. If None, ``_default_less_keys`` will be used.
        file_client_args (dict, optional): Arguments to instantiate a FileClient. Deprecated:
            use ``backend_args`` instead. Defaults to None.
        filename_tmpl (str, optional): String template to indicate checkpoint name; its
            ``{}`` is replaced with epoch + 1 if ``by_epoch=True`` else iteration + 1.
            Defaults to None, which means "epoch_{}.pth" or "iter_{}.pth" accordingly.
        backend_args (dict, optional): Arguments to instantiate the prefix of uri
            corresponding backend. Defaults to None.
        published_keys (str, List[str], optional): If given, after training the last and best
            checkpoints are published: a copy holding only these keys is saved as
            ``<name>-<sha256[:8]>.pth``. Defaults to None.
        save_begin (int): Control the epoch number or iteration number at which checkpoint
            saving begins. Defaults to 0, which means saving at the beginning.

    Examples:
        >>> from mmengine.hooks import CheckpointHook
        >>> # Save best based on single metric
        >>> hook = CheckpointHook(interval=2, by_epoch=True, save_best='acc', rule='less')
        >>> # Save best based on multi metrics with the same comparison rule
        >>> hook = CheckpointHook(interval=2, by_epoch=True, save_best=['acc', 'mIoU'],
        ...                       rule='greater')
        >>> hook.rules
        ['greater', 'greater']
        >>> # Save best based on multi metrics with different comparison rule
        >>> hook = CheckpointHook(interval=2, by_epoch=True, save_best=['FID', 'IS'],
        ...                       rule=['less', 'greater'])
        >>> # Save best based on single metric and publish model after training
        >>> hook = CheckpointHook(interval=2, by_epoch=True, save_best='acc', rule='less',
        ...                       published_keys=['meta', 'state_dict'])
    """

    out_dir: str

    priority = "VERY_LOW"
    file_client = LazyFileClient()  # deprecated; made when read

    # logic to save best checkpoints
    rule_map: dict[str, Callable[[Any, Any], bool]] = {
        "greater": lambda x, y: x > y,
        "less": lambda x, y: x < y,
    }
    init_value_map = {"greater": -inf, "less": inf}
    _default_greater_keys = [
        "acc", "top", "AR@", "auc", "precision", "mAP", "mDice", "mIoU", "mAcc", "aAcc",
    ]  # fmt: skip
    _default_less_keys = ["loss"]

    def __init__(
        self,
        interval: int = -1,
        by_epoch: bool = True,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        out_dir: Optional[Union[str, Path]] = None,
        max_keep_ckpts: int = -1,
        save_last: bool = True,
        save_best: Union[str, list[str], None] = None,
        rule: Union[str, list[str], None] = None,
        greater_keys: Optional[Sequence[str]] = None,
        less_keys: Optional[Sequence[str]] = None,
        file_client_args: Optional[dict] = None,
        filename_tmpl: Optional[str] = None,
        backend_args: Optional[dict] = None,
        published_keys: Union[str, list[str], None] = None,
        save_begin: int = 0,
        **kwargs: Any,
    ) -> None:
        check_schedule_args(interval, by_epoch, max_keep_ckpts, out_dir)
        self.interval = interval
        self.by_epoch = by_epoch
        self.save_optimizer = save_optimizer
        self.save_param_scheduler = save_param_scheduler
        self.out_dir = out_dir  # type: ignore[assignment]
        self.max_keep_ckpts = int(max_keep_ckpts)  # 2.0 from a computed config: a count
        self.save_last = save_last
        self.args = kwargs

        _check_file_client_args(file_client_args, backend_args)
        self.file_client_args = file_client_args
        self.backend_args = backend_args
        if filename_tmpl is None:
            filename_tmpl = "epoch_{}.pth" if self.by_epoch else "iter_{}.pth"
        check_filename_tmpl(filename_tmpl, self.by_epoch)
        self.filename_tmpl = filename_tmpl
        self.save_best = _save_best_list(save_best)
        rule = _rule_list(rule, self.save_best)
        self.greater_keys = self._as_keys(greater_keys, self._default_greater_keys, "greater")
        self.less_keys = self._as_keys(less_keys, self._default_less_keys, "less")

        if self.save_best is not None:
            self.is_better_than: dict[str, Callable[[Any, Any], bool]] = dict()
            self._init_rule(rule, self.save_best)  # type: ignore[arg-type]
            if len(self.key_indicators) == 1:
                self.best_ckpt_path: Optional[str] = None
            else:
                self.best_ckpt_path_dict: dict[str, Optional[str]] = dict()

        self.published_keys = _published_keys_list(published_keys)

        self.last_ckpt: Optional[str] = None
        check_integer("CheckpointHook", "save_begin", save_begin,
                      "It is the epoch/iteration from which checkpoints are saved (0: from "
                      "the start).")  # fmt: skip
        if save_begin < 0:
            raise ValueError(f"save_begin should not be less than 0, but got {save_begin}")
        self.save_begin = save_begin

    @staticmethod
    def _as_keys(keys: Any, default: list[str], name: str) -> Sequence[str]:
        if keys is None:
            return default
        if not isinstance(keys, (list, tuple)):
            keys = (keys,)
        if not is_seq_of(keys, str):
            raise AssertionError(f"{name}_keys should be a str or a sequence of str, got {keys!r}")
        return keys

    # ------------------------------------------------------------------ setup
    def before_train(self, runner: Any) -> None:
        """Resolve the output directory and restore the kept/best checkpoint records.

        Args:
            runner (Runner): The runner of the training process.
        """
        # before_train may run again (a second train() call): start from the given out_dir.
        if not hasattr(self, "_out_dir_root"):
            self._out_dir_root = self.out_dir
        self.out_dir = self._out_dir_root
        if self.out_dir is None:
            self.out_dir = runner.work_dir

        # ``file_client`` is kept for backward compatibility; storage goes through
        # ``file_backend`` (the FileClient itself when ``file_client_args`` is given).
        if self.file_client_args is None:
            self.file_backend = get_file_backend(self.out_dir, backend_args=self.backend_args)
            CheckpointHook.file_client.reset(self)  # made when read
        else:
            self.file_client = _infer_file_client(self.file_client_args, self.out_dir)
            self.file_backend = self.file_client

        # An explicit out_dir receives a sub-directory named like the work_dir's last level.
        if self.out_dir != runner.work_dir:
            basename = osp.basename(str(runner.work_dir).rstrip(osp.sep))
            self.out_dir = self.file_backend.join_path(self.out_dir, basename)

        check_save_kwargs(runner, self.args, CheckpointHook)
        check_loop_kind(runner, self.by_epoch, self.interval)
        if isinstance(self.file_backend, LocalBackend) and is_main_process():
            ensure_local_dir("CheckpointHook", "out_dir", str(self.out_dir),
                             "set out_dir to a writable directory (or leave it None to save in "
                             "work_dir).")  # fmt: skip
        runner.logger.info(f"Checkpoints will be saved to {self.out_dir}.")
        self.store = CheckpointStore(
            self.out_dir,
            str(runner.work_dir),
            max_keep_ckpts=self.max_keep_ckpts,
            backend_args=self.backend_args,
            file_client_args=self.file_client_args,
            filename_tmpl=self.filename_tmpl,
        )
        self.store.file_backend = self.file_backend
        runner.checkpoint_store = self.store
        self.store.clean_temporaries()

        hub = runner.message_hub
        if self.save_best is not None:
            if len(self.key_indicators) == 1:
                self.best_ckpt_path = hub.get_info("best_ckpt")
            else:
                for key_indicator in self.key_indicators:
                    self.best_ckpt_path_dict[key_indicator] = hub.get_info(
                        f"best_ckpt_{key_indicator}"
                    )

        self.store.restore(hub)

    # ------------------------------------------------------------------ triggers
    def after_train_epoch(self, runner: Any) -> None:
        """Save the checkpoint every ``interval`` epochs (from ``save_begin``) and at the end.

        Args:
            runner (Runner): The runner of the training process.
        """
        if not self.by_epoch:
            return
        if self.every_n_epochs(runner, self.interval, self.save_begin) or (
            self.save_last and self.is_last_train_epoch(runner)
        ):
            runner.logger.info(f"Saving checkpoint at {runner.epoch + 1} epochs")
            self._save_checkpoint(runner)

    def after_train_iter(
        self,
        runner: Any,
        batch_idx: int,
        data_batch: DATA_BATCH = None,
        outputs: Optional[dict] = None,
    ) -> None:
        """Save the checkpoint every ``interval`` iterations (from ``save_begin``) and at the end.

        Args:
            runner (Runner): The runner of the training process.
            batch_idx (int): The index of the current batch in the train loop.
            data_batch (dict or tuple or list, optional): Data from dataloader.
            outputs (dict, optional): Outputs from model.
        """
        if self.by_epoch:
            return
        if self.every_n_train_iters(runner, self.interval, self.save_begin) or (
            self.save_last and self.is_last_train_iter(runner)
        ):
            runner.logger.info(f"Saving checkpoint at {runner.iter + 1} iterations")
            self._save_checkpoint(runner)

    def after_val_epoch(self, runner: Any, metrics: Optional[dict[str, float]] = None) -> None:
        """Save the best checkpoint(s) when the validation metrics improve.

        Args:
            runner (Runner): The runner of the training process.
            metrics (dict): Evaluation results of all metrics.
        """
        if not metrics:
            runner.logger.warning(
                "Since `metrics` is an empty dict, the behavior to save the best checkpoint "
                "will be skipped in this evaluation."
            )
            return
        if not hasattr(self, "file_backend"):
            return  # a validation outside training (runner.val()): there is nothing to save
        self._save_best_checkpoint(runner, metrics)

    def after_train(self, runner: Any) -> None:
        """Publish the last and best checkpoints when ``published_keys`` is given.

        Args:
            runner (Runner): The runner of the training process.
        """
        if self.published_keys is None:
            return
        if self.save_last and self.last_ckpt is not None:
            self._publish_model(runner, self.last_ckpt)
        if getattr(self, "best_ckpt_path", None) is not None:
            self._publish_model(runner, str(self.best_ckpt_path))
        if getattr(self, "best_ckpt_path_dict", None) is not None:
            for best_ckpt in self.best_ckpt_path_dict.values():
                if best_ckpt is not None:
                    self._publish_model(runner, best_ckpt)

    # ------------------------------------------------------------------ saving
    @master_only
    def _publish_model(self, runner: Any, ckpt_path: str) -> None:
        """Save a copy of ``ckpt_path`` with only the published keys, named by its hash."""
        from mmengine.model.checkpoint import _load_checkpoint, save_checkpoint

        checkpoint = _load_checkpoint(ckpt_path, map_location="cpu")
        assert self.published_keys is not None
        removed_keys = [key for key in list(checkpoint) if key not in self.published_keys]
        for key in removed_keys:
            checkpoint.pop(key)
        if removed_keys:
            print_log(
                f"Key {removed_keys} will be removed because they are not found in "
                "published_keys. If you want to keep them, please set "
                f"`{removed_keys}` in published_keys",
                logger="current",
            )
        sha = hashlib.sha256(pickle.dumps(checkpoint)).hexdigest()
        final_path = osp.splitext(ckpt_path)[0] + f"-{sha[:8]}.pth"
        save_checkpoint(checkpoint, final_path, backend_args=self.backend_args)
        print_log(f"The checkpoint ({ckpt_path}) is published to {final_path}.", logger="current")

    def _save_checkpoint(self, runner: Any) -> None:
        """Save the current checkpoint (``epoch_{n}``/``iter_{n}``) and update the pointer."""
        if self.by_epoch:
            step = runner.epoch + 1
            meta = dict(epoch=step, iter=runner.iter)
        else:
            step = runner.iter + 1
            meta = dict(epoch=runner.epoch, iter=step)
        self._save_checkpoint_with_step(runner, step, meta=meta)

    def _save_checkpoint_with_step(self, runner: Any, step: int, meta: dict) -> None:
        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.store.save(
            runner,
            ckpt_filename,
            meta=meta,
            by_epoch=self.by_epoch,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            rotation_id=step,
            **self.args,
        )

    @property
    def keep_ckpt_ids(self) -> deque:
        """deque: the steps of the kept regular checkpoints, oldest first (upstream's)."""
        store = getattr(self, "store", None)
        steps = [] if store is None else [step for _, step in store.kept if step is not None]
        return deque(steps, self.max_keep_ckpts if self.max_keep_ckpts > 0 else None)

    def _remove_ckpt(self, filename_or_path: str, is_path: bool = False) -> bool:
        """Remove a checkpoint file (or directory, e.g. DeepSpeed's) on the main process."""
        return self.store.remove(filename_or_path, is_path=is_path)

    def _save_best_checkpoint(self, runner: Any, metrics: dict) -> None:
        """Save a best checkpoint for each ``save_best`` metric that improved."""
        if not self.save_best:
            return
        cur_type, cur_time = ("epoch", runner.epoch) if self.by_epoch else ("iter", runner.iter)
        meta = dict(epoch=runner.epoch, iter=runner.iter)
        # 'auto' means the first metric of the (ordered) results.
        if "auto" in self.key_indicators:
            self._init_rule(self.rules, [next(iter(metrics))])
        updated = False
        for key_indicator, rule in zip(self.key_indicators, self.rules):
            if key_indicator not in metrics:
                raise KeyError(
                    f"CheckpointHook: save_best metric {key_indicator!r} is not among the "
                    f"evaluation results {list(metrics)}; set save_best to one of them or 'auto'."
                )
            if metrics[key_indicator] is not None:
                check_scalar_metric("CheckpointHook", "save_best", key_indicator,
                                    metrics[key_indicator])  # fmt: skip
            updated |= self._save_if_best(runner, key_indicator, rule, metrics[key_indicator],
                                          cur_type, cur_time, meta)  # fmt: skip
        # Save the latest checkpoint again so that its message hub records the new best
        # score and path (the one saved after the train epoch/iter only knew the old best).
        if updated and self.last_ckpt is not None:
            self._save_checkpoint_with_step(runner, cur_time, meta)

    def _save_if_best(self, runner: Any, key_indicator: str, rule: str, key_score: Any,
                      cur_type: str, cur_time: int, meta: dict) -> bool:  # fmt: skip
        """Save ``best_<key>_<name>`` when ``key_score`` beats the best so far."""
        single = len(self.key_indicators) == 1
        suffix = "" if single else f"_{key_indicator}"
        if single:
            previous = self.best_ckpt_path
        else:
            previous = self.best_ckpt_path_dict.get(key_indicator)
        hub = runner.message_hub
        best_score = hub.get_info(f"best_score{suffix}", None)
        if best_score is None:
            best_score = self.init_value_map[rule]
        if key_score is None or not self.is_better_than[key_indicator](key_score, best_score):
            return False
        hub.update_info(f"best_score{suffix}", key_score)
        # characters that are illegal in file names are replaced
        name = f"best_{key_indicator}_{self.filename_tmpl.format(cur_time)}".replace("/", "_")
        new_path = self.file_backend.join_path(self.out_dir, name)
        if single:
            self.best_ckpt_path = new_path
        else:
            self.best_ckpt_path_dict[key_indicator] = new_path
        hub.update_info(f"best_ckpt{suffix}", new_path)
        self.store.save(runner, name, meta=meta, by_epoch=False, save_optimizer=False,
                        save_param_scheduler=False, rotate=False, update_pointer=False)  # fmt: skip
        # The new best is on disk: the previous one can go.
        if previous and previous != new_path and self._remove_ckpt(previous, is_path=True):
            runner.logger.info(f"The previous best checkpoint {previous} is removed")
        runner.logger.info(
            f"The best checkpoint with {float(key_score):0.4f} {key_indicator} at "
            f"{cur_time} {cur_type} is saved to {name}."
        )
        return True

    def _init_rule(self, rules: list, key_indicators: list[str]) -> None:
        """Initialize ``self.rules``, ``self.key_indicators`` and ``self.is_better_than``.

        Args:
            rules (list): Comparison rules (one, or one per key); None entries are inferred
                from the key names.
            key_indicators (list[str]): The metric names to track.
        """
        if len(rules) == 1:
            rules = rules * len(key_indicators)
        self.rules = []
        for rule, key_indicator in zip(rules, key_indicators):
            if rule not in self.rule_map and rule is not None:
                raise KeyError(
                    f"rule must be greater, less or None, but got {rule}. (CheckpointHook: "
                    f"the rule of save_best={key_indicator!r}; 'greater' means a bigger "
                    "metric is better, and the names are lower case.)"
                )
            if rule is None and key_indicator != "auto":
                rule = infer_rule(key_indicator, self.greater_keys, self.less_keys)
                if rule is None:
                    raise ValueError(
                        f"Cannot infer the rule for key {key_indicator}, thus a specific rule "
                        "must be specified. Pass rule='greater' or rule='less', or add the key "
                        "to greater_keys / less_keys."
                    )
            if rule is not None:
                self.is_better_than[key_indicator] = self.rule_map[rule]
            self.rules.append(rule)
        self.key_indicators = key_indicators
