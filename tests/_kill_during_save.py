"""Child process of test_checkpoint_atomic: train, and die by SIGKILL while saving epoch 2."""

import os
import signal
import sys

from mmengine.hooks import Hook
from mmengine.testing import RunnerTestCase


class _Bomb:
    """Pickling this object kills the process: torch.save is then half-way through its file."""

    def __reduce__(self):
        os.kill(os.getpid(), signal.SIGKILL)


class KillDuringSecondSave(Hook):
    def before_save_checkpoint(self, runner, checkpoint):
        if checkpoint["meta"]["epoch"] == 2:
            checkpoint["bomb"] = _Bomb()


def main(work_dir: str) -> None:
    case = RunnerTestCase("setUp")
    case.setUp()
    cfg = case.epoch_based_cfg
    cfg.work_dir = work_dir
    cfg.train_cfg.max_epochs = 3
    runner = case.build_runner(cfg)
    runner.register_hook(KillDuringSecondSave())
    runner.train()


if __name__ == "__main__":
    main(sys.argv[1])
