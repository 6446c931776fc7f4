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


def test_names_are_imported_on_first_access():
    code = (
        "import sys, mmengine.utils as u\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('mmengine.utils.'))\n"
        "assert loaded == ['mmengine.utils._coexist'], loaded\n"
        "from mmengine.utils import is_str\n"
        "import mmengine.utils.misc as misc\n"
        "assert is_str is misc.is_str and 'mmengine.utils.path' not in sys.modules\n"
        "assert set(u.__all__) <= set(dir(u))\n"
        "assert u.path.mkdir_or_exist is u.mkdir_or_exist  # submodules as attributes\n"
        "for name in u.__all__:\n"
        "    assert getattr(u, name).__module__.startswith('mmengine.utils.'), name\n"
        "try:\n"
        "    u.not_a_name\n"
        "except AttributeError as e:\n"
        "    assert 'not_a_name' in str(e)\n"
        "else:\n"
        "    raise AssertionError('no AttributeError')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
