import pytest

from mmengine.config import Config


def test_syntax_error_names_file_and_line(write):
    root = write({"bad.py": "a = 1\nb = dict(c=1\nd = 2\n"})
    with pytest.raises(SyntaxError) as exc:
        Config.fromfile(root / "bad.py")
    msg = str(exc.value)
    assert "bad.py" in msg and "line 2" in msg
    assert exc.value.filename.endswith("bad.py")


def test_syntax_error_in_base_names_base_and_includer(write):
    root = write(
        {
            "base/broken.py": "x = [1, 2\n",
            "mid.py": "_base_ = 'base/broken.py'\n",
            "top.py": "_base_ = 'mid.py'\n",
        }
    )
    with pytest.raises(SyntaxError) as exc:
        Config.fromfile(root / "top.py")
    msg = str(exc.value)
    assert "broken.py" in msg and "line 1" in msg
    assert "mid.py" in msg and "top.py" in msg


def test_missing_base_file_names_includer_and_tried_path(write):
    root = write({"child.py": "_base_ = ['./not_there.py']\n"})
    with pytest.raises(FileNotFoundError) as exc:
        Config.fromfile(root / "child.py")
    msg = str(exc.value)
    assert "child.py" in msg and str(root / "not_there.py") in msg


def test_missing_base_python_variable_suggests(write):
    root = write(
        {
            "base.py": "model = dict(type='ResNet')\n",
            "child.py": "_base_ = 'base.py'\nm = _base_.modle\n",
        }
    )
    with pytest.raises(AttributeError) as exc:
        Config.fromfile(root / "child.py")
    assert "Did you mean 'model'?" in str(exc.value)


def test_misspelt_text_reference_suggests(write):
    root = write(
        {
            "base.py": "model = dict(type='ResNet', depth=50)\n",
            "child.py": "_base_ = 'base.py'\nm = {{_base_.model.dept}}\n",
        }
    )
    with pytest.raises(KeyError) as exc:
        Config.fromfile(root / "child.py")
    msg = str(exc.value)
    assert "Did you mean 'depth'?" in msg and "child.py" in msg


def test_runtime_error_in_config_keeps_type_and_points_to_file(write):
    root = write({"err.py": "a = 1\nb = undefined_name + 1\n"})
    with pytest.raises(NameError) as exc:
        Config.fromfile(root / "err.py")
    frames = [f for f in exc.traceback if str(f.path).endswith("err.py")]
    assert frames and frames[-1].lineno + 1 == 2


def test_duplicate_keys_among_bases(write):
    root = write({"a.py": "x = 1\n", "b.py": "x = 2\n", "c.py": "_base_ = ['a.py', 'b.py']\n"})
    with pytest.raises(KeyError, match="Duplicate key"):
        Config.fromfile(root / "c.py")


def test_circular_base(write):
    root = write({"a.py": "_base_ = 'b.py'\n", "b.py": "_base_ = 'a.py'\n"})
    with pytest.raises(Exception, match="Circular"):
        Config.fromfile(root / "a.py")


def test_bad_base_type(write):
    root = write({"a.py": "_base_ = 3\n"})
    with pytest.raises(TypeError, match="_base_"):
        Config.fromfile(root / "a.py")


def test_config_attribute_suggestion():
    cfg = Config(dict(optimizer=dict(lr=0.1)))
    with pytest.raises(AttributeError, match="Did you mean 'optimizer'"):
        _ = cfg.optimiser
