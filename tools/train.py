"""Train a model from a config file: ``python tools/train.py CONFIG [--work-dir DIR] ...``.

Run ``python tools/train.py --help`` for the options (``--resume [CKPT]``, ``--amp``,
``--auto-scale-lr``, ``--cfg-options``, ``--launcher``, ``--dry-run``, ``--debug``). The same
entry is installed as ``mmengine-train``.
"""

from mmengine._runner_cli import train_main

if __name__ == "__main__":
    train_main()
