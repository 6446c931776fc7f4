"""Test a checkpoint: ``python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out F.pkl]``.

The same entry is installed as ``mmengine-test``.
"""

from mmengine._runner_cli import test_main

if __name__ == "__main__":
    test_main()
