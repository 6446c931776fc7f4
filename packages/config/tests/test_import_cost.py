import os.path as osp
import subprocess
import sys


def test_import_and_fromfile_never_import_torch_or_yaml(data_dir):
    code = (
        "import sys\n"
        "import mmengine.config\n"
        "heavy = [m for m in ('torch', 'yaml', 'numpy', 'rich', 'mmengine.fileio',"
        " 'mmengine.logging') if m in sys.modules]\n"
        "# mmengine.utils itself is imported for the coexistence check, none of its modules\n"
        "# but that check, the error-class naming and the name suggestions (none imports anything)\n"
        "heavy += [m for m in sys.modules if m.startswith('mmengine.utils.')"
        " and m not in ('mmengine.utils._coexist', 'mmengine.utils._builtin_names',"
        " 'mmengine.utils._messages')]\n"
        "assert not heavy, f'import mmengine.config imported {heavy}'\n"
        "from mmengine.config import Config\n"
        f"cfg = Config.fromfile({osp.join(data_dir, 'mid.py')!r})\n"
        "cfg.pretty_text\n"
        "assert 'torch' not in sys.modules, 'Config.fromfile imported torch'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
