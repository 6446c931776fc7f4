import subprocess
import sys

CODE = """
import sys
import mmengine.utils
heavy = [m for m in ('torch', 'numpy', 'rich', 'multiprocessing.pool') if m in sys.modules]
print(','.join(heavy))
"""


def test_import_utils_is_light():
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"import mmengine.utils pulled in heavy modules: {out}"


def test_dl_utils_is_a_separate_import():
    code = 'import sys, mmengine.utils; print("mmengine.utils.dl_utils" in sys.modules)'
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"
