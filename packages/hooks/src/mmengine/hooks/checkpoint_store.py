"""CheckpointStore: where a run's checkpoints live and how they are written and rotated.

The store owns storage; deciding *when* to save (intervals, best metrics) is the policy of
:class:`~mmengine.hooks.CheckpointHook`, and the Runner's preemption and exception handling
save through the same store, so every checkpoint of a run follows the same rules:

- every file is written atomically (the runner's ``save_checkpoint`` writes local files
  through :func:`mmengine.fileio.atomic_open`; the pointer through the backend's atomic
  ``put_text``): an interruption leaves the previous file intact;
- after a checkpoint is written, the ``last_checkpoint`` pointer (in the work dir, and in
  ``out_dir`` when it differs) names it, and only then are checkpoints beyond
  ``max_keep_ckpts`` deleted, so a usable checkpoint and pointer exist at every moment;
- the rotation list is kept in the message hub (``keep_ckpt_files``, and upstream's
  ``keep_ckpt_ids`` for the regular ones), so it survives a resume;
- at the start of a run, temporary files that interrupted writes left in the work dir (and
  ``out_dir``) are removed;
- a checkpoint's validation record (``<checkpoint>.validated``, see
  :mod:`mmengine.runner.validation_record`) goes with it;
- any fileio backend (local disk, object stores) through ``backend_args``.

It lives in ``mmengine.hooks`` (the CheckpointHook's layer) and is re-exported as
``mmengine.runner.CheckpointStore``.
"""

from __future__ import annotations

import logging
import os.path as osp
from typing import Any

from mmengine.config.parsing import add_note
from mmengine.dist import is_main_process
from mmengine.fileio import get_file_backend, remove_stale_temporaries
from mmengine.fileio.backends import LocalBackend
from mmengine.logging import print_log

from ._file_client import _infer_file_client

POINTER_FILE = "last_checkpoint"
#: Next to a checkpoint saved just before a validation: what that validation changed, so that
#: a resumed run need not repeat it (written by the runner, deleted with its checkpoint).
VALIDATION_RECORD_SUFFIX = ".validated"

__all__ = ["POINTER_FILE", "VALIDATION_RECORD_SUFFIX", "CheckpointStore"]


class CheckpointStore:
    """Storage of a run's checkpoints: atomic writes, rotation, best files, the pointer.

    Args:
        out_dir (str): the directory the checkpoints are written to.
        work_dir (str): the run's work dir (always holds a ``last_checkpoint`` pointer).
        max_keep_ckpts (int): how many rotating checkpoints to keep; -1 keeps all.
        backend_args (dict, optional): arguments of the fileio backend of ``out_dir``.
        file_client_args (dict, optional): deprecated FileClient arguments (instead of
            ``backend_args``).
        filename_tmpl (str): the name template of regular checkpoints, used to read
            upstream's ``keep_ckpt_ids`` from a resumed message hub. Defaults to
            ``'epoch_{}.pth'``.

    Examples:
        >>> import os
        >>> from mmengine.runner import CheckpointStore
        >>> from mmengine.logging import MessageHub
        >>> class DemoRunner:  # what the store uses of a Runner
        ...     message_hub = MessageHub.get_instance('checkpoint_store_demo')
        ...     def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        ...         open(os.path.join(out_dir, filename), 'w').close()
        >>> os.makedirs('work_dirs/exp', exist_ok=True)
        >>> store = CheckpointStore('work_dirs/exp', 'work_dirs/exp', max_keep_ckpts=2)
        >>> for epoch in (1, 2, 3):
        ...     path = store.save(DemoRunner(), f'epoch_{epoch}.pth',
        ...                       meta=dict(epoch=epoch, iter=100 * epoch), rotation_id=epoch)
        >>> sorted(os.listdir('work_dirs/exp'))
        ['epoch_2.pth', 'epoch_3.pth', 'last_checkpoint']
    """

    def __init__(
        self,
        out_dir: str,
        work_dir: str,
        max_keep_ckpts: int = -1,
        backend_args: dict | None = None,
        file_client_args: dict | None = None,
        filename_tmpl: str = "epoch_{}.pth",
    ) -> None:
        self.out_dir = str(out_dir)
        self.work_dir = str(work_dir)
        self.max_keep_ckpts = max_keep_ckpts
        self.backend_args = backend_args
        self.file_client_args = file_client_args
        self.filename_tmpl = filename_tmpl
        if file_client_args is None:
            self.file_backend = get_file_backend(self.out_dir, backend_args=backend_args)
        else:
            self.file_backend = _infer_file_client(file_client_args, self.out_dir)
        # the rotation: (file name, regular step id or None), oldest first
        self._kept: list[tuple[str, int | None]] = []

    # ------------------------------------------------------------------ paths
    def path(self, filename: str) -> str:
        """The full path of ``filename`` in ``out_dir``."""
        return self.file_backend.join_path(self.out_dir, filename)

    @property
    def is_local(self) -> bool:
        """bool: whether ``out_dir`` is on the local file system."""
        return isinstance(self.file_backend, LocalBackend) or isinstance(
            getattr(self.file_backend, "client", None), LocalBackend
        )

    # ------------------------------------------------------------------ run start
    def clean_temporaries(self) -> list[str]:
        """Delete the temporary files interrupted writes left (work dir and local out_dir).

        Only files of dead writer processes are removed (see
        :func:`mmengine.fileio.remove_stale_temporaries`); runs on the main process.

        Returns:
            list[str]: the removed paths.
        """
        if not is_main_process():
            return []
        removed = list(remove_stale_temporaries(self.work_dir, min_age=0))
        if self.is_local and osp.abspath(self.out_dir) != osp.abspath(self.work_dir):
            removed += remove_stale_temporaries(self.out_dir, min_age=0)
        if removed:
            print_log(
                f"Removed {len(removed)} temporary file(s) left by interrupted checkpoint "
                f"writes: {removed}",
                logger="current",
                level=logging.WARNING,
            )
        return removed

    def restore(self, message_hub: Any) -> None:
        """Read the rotation list from a (resumed) message hub and apply ``max_keep_ckpts``.

        Args:
            message_hub (MessageHub): the run's message hub.
        """
        files = message_hub.get_info("keep_ckpt_files", None)
        ids = list(message_hub.get_info("keep_ckpt_ids", None) or [])
        if files is None:  # a checkpoint of mmengine 0.10: only the regular step ids
            self._kept = [(self.filename_tmpl.format(i), i) for i in ids]
        else:
            by_name = {self.filename_tmpl.format(i): i for i in ids}
            self._kept = [(name, by_name.get(name)) for name in files]
        if self.max_keep_ckpts <= 0:
            return
        removed = []
        while len(self._kept) > self.max_keep_ckpts:
            removed.append(self._kept.pop(0)[0])
        if removed:
            self._record(message_hub)
            for name in removed:
                self.remove(name)

    # ------------------------------------------------------------------ saving
    def save(
        self,
        runner: Any,
        filename: str,
        *,
        meta: dict,
        by_epoch: bool = True,
        save_optimizer: bool = True,
        save_param_scheduler: bool = True,
        rotation_id: int | None = None,
        rotate: bool = True,
        update_pointer: bool = True,
        collective: bool = True,
        **kwargs: Any,
    ) -> str:
        """Write a checkpoint with ``runner.save_checkpoint``, then point at it and rotate
        (the pointer and deletions on the main process; call it on every rank).

        Args:
            runner (Runner): the runner.
            filename (str): the checkpoint's file name in ``out_dir``.
            meta (dict): the counters and extra meta information.
            by_epoch (bool): passed to ``runner.save_checkpoint``.
            save_optimizer (bool): save the optimizer state.
            save_param_scheduler (bool): save the schedulers' states.
            rotation_id (int, optional): the step of a regular checkpoint (recorded in
                upstream's ``keep_ckpt_ids`` too).
            rotate (bool): the checkpoint joins the rotation (``max_keep_ckpts``).
            update_pointer (bool): ``last_checkpoint`` names the new checkpoint.
            collective (bool): every rank makes this call (as from a hook), so the runner
                may gather every rank's random state; False when one rank saves alone.
            **kwargs: further arguments of ``runner.save_checkpoint``.

        Returns:
            str: the checkpoint's path.
        """
        hub = runner.message_hub
        kept, last = list(self._kept), hub.get_info("last_ckpt")
        to_remove = self._rotate(filename, rotation_id, hub) if rotate else []
        path = self.path(filename)
        if update_pointer:
            hub.update_info("last_ckpt", path)
        try:
            self._write(runner, filename, collective, save_optimizer=save_optimizer,
                        save_param_scheduler=save_param_scheduler, meta=meta,
                        by_epoch=by_epoch, **kwargs)  # fmt: skip
        except OSError as exc:  # a full disk, a lost mount: the hub must not name it
            self._undo(hub, kept, last, path, exc)
            raise
        if not is_main_process():
            return path
        if update_pointer:
            self.write_pointer(path)
        # only now that the new checkpoint and the pointer are written: drop the old ones
        for name in to_remove:
            if name != filename:
                self.remove(name)
        return path

    def _undo(self, hub: Any, kept: list, last: str | None, path: str, exc: OSError) -> None:
        """Put the rotation and ``last_ckpt`` back after writing ``path`` failed; say so."""
        self._kept = kept
        self._record(hub)
        hub.update_info("last_ckpt", last)
        add_note(exc, f"while writing the checkpoint {path}: nothing was replaced; the earlier "
                      f"checkpoints and {POINTER_FILE} are as they were (latest: {last}).")  # fmt: skip

    def _write(self, runner: Any, filename: str, collective: bool, **kwargs: Any) -> None:
        """``runner.save_checkpoint`` into ``out_dir``, telling the runner whether every rank
        is saving (see ``save``'s ``collective``)."""
        _set_collective(runner, collective)
        try:
            runner.save_checkpoint(self.out_dir, filename, self.file_client_args,
                                   backend_args=self.backend_args, **kwargs)  # fmt: skip
        finally:
            _set_collective(runner, False)

    def _rotate(self, filename: str, rotation_id: int | None, message_hub: Any) -> list[str]:
        """Put ``filename`` last in the rotation; return the names that fell out of it."""
        # a step saved twice (after training and again after validation) is kept once
        self._kept = [entry for entry in self._kept if entry[0] != filename]
        self._kept.append((filename, rotation_id))
        to_remove = []
        if self.max_keep_ckpts > 0:
            while len(self._kept) > self.max_keep_ckpts:
                to_remove.append(self._kept.pop(0)[0])
        # recorded before saving so that the checkpoint's message hub knows it
        self._record(message_hub)
        return to_remove

    @property
    def kept(self) -> list[tuple[str, int | None]]:
        """list: the rotating checkpoints, oldest first: (file name, regular step or None)."""
        return list(self._kept)

    def _record(self, message_hub: Any) -> None:
        message_hub.update_info("keep_ckpt_files", [name for name, _ in self._kept])
        message_hub.update_info(
            "keep_ckpt_ids", [step for _, step in self._kept if step is not None]
        )

    def write_pointer(self, path: str) -> None:
        """Atomically make ``last_checkpoint`` (work dir and ``out_dir``) name ``path``."""
        LocalBackend().put_text(path, osp.join(self.work_dir, POINTER_FILE))
        if osp.abspath(self.out_dir) != osp.abspath(self.work_dir) or not self.is_local:
            self.file_backend.put_text(path, self.path(POINTER_FILE))

    def remove(self, filename_or_path: str, is_path: bool = False) -> bool:
        """Delete a checkpoint file (or directory) on the main process.

        Args:
            filename_or_path (str): a file name in ``out_dir``, or a path.
            is_path (bool): ``filename_or_path`` is a full path.

        Returns:
            bool: whether something was deleted.
        """
        if not is_main_process():
            return False
        path = filename_or_path if is_path else self.path(filename_or_path)
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):
            self.file_backend.rmtree(path)
        else:
            return False
        if self.file_backend.isfile(path + VALIDATION_RECORD_SUFFIX):
            self.file_backend.remove(path + VALIDATION_RECORD_SUFFIX)
        return True


def _set_collective(runner: Any, value: bool) -> None:
    """Set ``runner.checkpoint_collective`` (read by the Runner's ``save_checkpoint``)."""
    try:
        runner.checkpoint_collective = value
    except AttributeError:  # a stand-in runner that takes no attributes
        pass
