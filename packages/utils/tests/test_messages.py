"""The name suggestions error messages share (``mmengine.utils._messages``)."""

import subprocess
import sys

from mmengine.utils._messages import closest, did_you_mean


def test_closest_and_did_you_mean():
    assert closest("intreval", ["interval", "by_epoch"]) == ["interval"]
    assert closest(3, [1, 3, "x"]) == ["3"]  # names of any type compare as text
    assert closest("zzz", ["interval"]) == []
    assert closest("val_evaluator_abs", ["val_evaluator"], cutoff=0.9) == []
    assert did_you_mean("meen", ["mean", "max"]) == " Did you mean 'mean'?"
    assert did_you_mean("zzz", ["mean"]) == ""


def test_importing_it_does_not_import_difflib():
    code = "import sys, mmengine.utils._messages; assert 'difflib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_short_repr_and_shorten():
    from types import SimpleNamespace

    from mmengine.utils._messages import short_repr, shorten

    assert shorten("abcdef", 5) == "ab..." and shorten("abc", 5) == "abc"
    assert short_repr(list(range(100)), 20) == "[0, 1, 2, 3, 4, 5..."
    array = SimpleNamespace(shape=(2, 3), dtype="float64")  # what arrays and tensors have
    assert short_repr(array) == "SimpleNamespace(shape=(2, 3), dtype=float64)"

    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    assert short_repr(Broken()) == "<Broken object>"
