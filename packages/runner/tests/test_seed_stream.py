"""The Python ``random`` stream a runner seeds is the one 0.10 leaves for data transforms."""

from __future__ import annotations

import subprocess
import sys

# Recorded from upstream mmengine 0.10.7 (black box): ``set_random_seed(0)``, then a first import
# of rich (mmpretrain imports ``rich.progress`` when the runner loads its scope), then
# ``random.random()`` gives the first draw of ``random.seed(0)``.
_SCRIPT = """
import random, sys
from mmengine.runner import set_random_seed
set_random_seed(0)
import rich.progress  # a downstream package's first import of rich, after seeding
print(repr(random.random()), repr(random.getrandbits(32)))
"""


def test_first_import_of_rich_after_seeding_leaves_the_stream_alone():
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["0.8444218515250481", "3255389356"]
