import os.path as osp

import pytest

from mmengine.config import Config


def roundtrip(cfg):
    return Config.fromstring(cfg.pretty_text, ".py")


def test_pretty_text_round_trips_detection_like_tree(data_dir):
    cfg = Config.fromfile(osp.join(data_dir, "child.py"))
    again = roundtrip(cfg)
    assert again._cfg_dict == cfg._cfg_dict
    assert again.to_dict() == cfg.to_dict()


def test_pretty_text_handles_awkward_values():
    cfg = Config(
        dict(
            a={"with space": 1, 2: "int key", "x-y": [1, (2,)]},
            b=(),
            c=[],
            d={},
            e=(1,),
            f='quote\'s "and" \\ newline\n',
            g=[dict(type="A", args=[(1, 2), [3, dict(z=None)]])],
            h=[1.5, -2, True, None, 1e-9],
            i=dict(**{"class": 1, "lambda": 2}),
            long=[f"element_number_{i}" for i in range(30)],
        )
    )
    text = cfg.pretty_text
    compile(text, "pretty", "exec")
    again = roundtrip(cfg)
    assert again.to_dict() == cfg.to_dict()
    assert type(again.e) is tuple and again.e == (1,)
    assert "{2: 'int key', 'with space': 1" in text


def test_pretty_text_lines_fit_when_possible():
    cfg = Config(
        dict(model=dict(type="X", layers=[dict(type=f"L{i}", ch=i * 64) for i in range(20)]))
    )
    text = cfg.pretty_text
    assert max(len(line) for line in text.splitlines()) <= 79
    assert "dict(ch=0, type='L0')" in text  # short items stay on one line


def test_pretty_text_without_formatting_is_valid_python():
    cfg = Config(dict(a=dict(b=[1, 2], c="x")), format_python_code=False)
    again = Config.fromstring(cfg.pretty_text, ".py")
    assert again.to_dict() == cfg.to_dict()


def test_top_level_non_identifier_keys_round_trip():
    cfg = Config({"a b": 1, "ok": 2})
    assert roundtrip(cfg).to_dict() == {"a b": 1, "ok": 2}


def test_dump_py_json_yaml_and_reload(tmp_path, data_dir):
    cfg = Config.fromfile(osp.join(data_dir, "child.py"))
    expected = cfg.to_dict()
    # tuples become lists in json/yaml
    expected_plain = Config.fromstring(Config(expected).dump(), ".py").to_dict()
    for ext in ("py", "json", "yaml", "yml"):
        out = tmp_path / f"dumped.{ext}"
        assert cfg.dump(out) is None
        loaded = Config.fromfile(out).to_dict()
        if ext == "py":
            assert loaded == expected
        else:
            assert _listify(loaded) == _listify(expected_plain)


def _listify(obj):
    if isinstance(obj, dict):
        return {k: _listify(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_listify(v) for v in obj]
    return obj


def test_dump_returns_text_in_own_format(tmp_path):
    cfg = Config(dict(a=1, b=2))
    assert cfg.dump() == cfg.pretty_text == "a = 1\nb = 2\n"
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\nb: [1, 2]\n")
    text = Config.fromfile(path).dump()
    assert "a: 1" in text and "b:" in text
    path = tmp_path / "c.json"
    path.write_text('{"a": 1}')
    assert Config.fromfile(path).dump().replace(" ", "") == '{"a":1}'


def test_dump_creates_parent_dirs_and_rejects_unknown_ext(tmp_path):
    cfg = Config(dict(a=1))
    cfg.dump(tmp_path / "new" / "dir" / "c.py")
    assert (tmp_path / "new" / "dir" / "c.py").read_text() == "a = 1\n"
    with pytest.raises(OSError):
        cfg.dump(tmp_path / "c.txt")


def test_unformattable_value_raises_syntax_error():
    class Opaque:
        def __str__(self):
            return "<opaque object>"

    cfg = Config(dict(a=Opaque()))
    with pytest.raises(SyntaxError, match="Failed to format"):
        _ = cfg.pretty_text


def test_classes_are_written_as_dotted_strings():
    from collections import OrderedDict

    cfg = Config(dict(type=OrderedDict))
    assert cfg.pretty_text == "type = 'collections.OrderedDict'\n"


def test_non_finite_floats_and_namedtuples_round_trip():
    import collections
    import math

    Pair = collections.namedtuple("Pair", "a b")
    cfg = Config(dict(x=float("inf"), y=float("-inf"), z=float("nan"), p=Pair(dict(q=1), 2)))
    assert type(cfg.p) is Pair and cfg.p.a.q == 1
    again = roundtrip(cfg)
    assert again.x == math.inf and again.y == -math.inf and math.isnan(again.z)
    assert again.p == ({"q": 1}, 2)


def test_pretty_text_sorts_keys_at_every_level():
    # C4: upstream sorts dict keys by str(key), so key order does not show in dumps/diffs
    cfg = Config(dict(zeta=1, alpha=dict(k2=2, k1=1)))
    assert cfg.pretty_text == "alpha = dict(k1=1, k2=2)\nzeta = 1\n"
    mixed = Config(dict(m={"b b": 1, 3: 4, "a a": 2}, l=[dict(b=1, a=2)]))
    assert mixed.pretty_text == "l = [dict(a=2, b=1)]\nm = {3: 4, 'a a': 2, 'b b': 1}\n"
    again = roundtrip(mixed)
    assert again.to_dict() == mixed.to_dict()


def test_diff_ignores_key_order(write):
    root = write({"d1.py": "x = 1\ny = 'a'\n", "d2.py": "y = 'b'\nx = 1\n"})
    expected = "--- \n\n+++ \n\n@@ -1,3 +1,3 @@\n\n x = 1\n-y = 'a'\n+y = 'b'\n \n\n"
    assert Config.diff(root / "d1.py", root / "d2.py") == expected
    assert Config.diff(root / "d1.py", root / "d1.py").strip() == ""
