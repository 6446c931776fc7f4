"""The name suggestions error messages share (``mmengine.utils._suggest``)."""

import subprocess
import sys

from mmengine.utils._suggest import closest, did_you_mean


def test_closest_and_did_you_mean():
    assert closest("intreval", ["interval", "by_epoch"]) == ["interval"]
    assert closest(3, [1, 3, "x"]) == ["3"]  # names of any type compare as text
    assert closest("zzz", ["interval"]) == []
    assert closest("val_evaluator_abs", ["val_evaluator"], cutoff=0.9) == []
    assert did_you_mean("meen", ["mean", "max"]) == " Did you mean 'mean'?"
    assert did_you_mean("zzz", ["mean"]) == ""


def test_importing_it_does_not_import_difflib():
    code = "import sys, mmengine.utils._suggest; assert 'difflib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
