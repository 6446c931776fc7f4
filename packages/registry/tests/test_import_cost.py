"""`import mmengine.registry` stays cheap: heavy modules load only when needed."""

import subprocess
import sys


def test_import_loads_no_heavy_module():
    code = (
        "import sys, mmengine.registry; "
        "print(sorted(m for m in ('torch', 'numpy', 'rich', 'difflib', 'inspect', "
        "'logging.handlers', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
