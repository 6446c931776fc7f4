"""Bad input through the public registry API: 0.10's exception class (and its
sentence first, where it had one), then what was wrong, where, and the fix."""

from __future__ import annotations

import logging
import pickle
import sys
import uuid

import pytest

from mmengine.registry import (
    DefaultScope,
    Registry,
    build_from_cfg,
    build_runner_from_cfg,
    count_registered_modules,
    init_default_scope,
    traverse_registry_tree,
)


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def models():
    reg = Registry("bad_models", scope=_unique("bad"))

    @reg.register_module()
    class RetinaNet:
        def __init__(self, depth, num_stages=4, out_indices=(0,)):
            self.depth = depth

    @reg.register_module()
    def make_thing(size, *, color="red"):
        return size, color

    return reg


# --------------------------------------------------------- Registry(...) arguments
@pytest.mark.parametrize(
    "kwargs, shown, bases, needle",
    [
        # 0.10 asserted these: AssertionError by name, TypeError by nature
        (dict(parent={}), "AssertionError", (AssertionError, TypeError), "must be a Registry"),
        (dict(parent="models"), "AssertionError", (AssertionError, TypeError), "not its name"),
        (dict(scope=3), "AssertionError", (AssertionError, TypeError), "got 3 (int)"),
        # 0.10 accepted these and failed later: plain TypeError
        (dict(locations="pkg.models"), "TypeError", (TypeError,), "write ['pkg.models']"),
        (dict(build_func=3), "TypeError", (TypeError,), "must be callable"),
    ],
)
def test_registry_constructor_arguments(kwargs, shown, bases, needle):
    kwargs.setdefault("scope", _unique("ctor"))
    with pytest.raises(bases) as info:
        Registry("x", **kwargs)
    assert type(info.value).__name__ == shown
    assert '"x" registry' in str(info.value) and needle in str(info.value)


def test_assertion_named_errors_pickle_as_themselves():
    with pytest.raises(AssertionError) as info:
        Registry("x", parent={})
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is type(info.value) and again.args == info.value.args


def test_duplicate_child_scope_is_an_assertion_error_naming_both():
    parent = Registry("parent", scope=_unique("p"))
    Registry("first", parent=parent, scope="dup")
    with pytest.raises(AssertionError, match="scope dup exists in parent registry") as info:
        Registry("second", parent=parent, scope="dup")
    assert type(info.value).__name__ == "AssertionError"
    assert '"first" registry already uses scope "dup"' in str(info.value)


# --------------------------------------------------------------------- locations
@pytest.fixture
def pkg(tmp_path, monkeypatch):
    """A fresh importable package ``<name>`` with a ``models`` module."""
    name = _unique("locpkg")
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "models.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, root
    for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[mod]


def test_location_typo_in_an_installed_package_raises_naming_it(pkg, logs):
    name, _ = pkg
    reg = Registry("typo_loc", scope=_unique("tl"), locations=[f"{name}.modles"])
    with pytest.raises(ModuleNotFoundError, match=f"No module named '{name}.modles'") as info:
        reg.get("Anything")
    message = str(info.value)
    assert f'while importing "{name}.modles", listed in `locations` of the "typo_loc"' in message
    assert f'did you mean "{name}.models"?' in message
    assert info.value.name == f"{name}.modles"
    assert not [m for m, _ in logs if "not installed" in m]  # not mistaken for an absent package


def test_location_with_a_missing_dependency_names_location_and_dependency(pkg):
    name, root = pkg
    (root / "models.py").write_text("import not_a_real_dependency_qq\n")
    reg = Registry("dep_loc", scope=_unique("dl"), locations=[f"{name}.models"])
    with pytest.raises(ModuleNotFoundError, match="No module named 'not_a_real_dependency_qq'"):
        reg.build(dict(type="X"))
    with pytest.raises(ModuleNotFoundError) as info:  # reported again, never swallowed
        reg.get("X")
    message = str(info.value)
    assert f'"{name}.models", listed in `locations` of the "dep_loc" registry' in message
    assert 'it imports "not_a_real_dependency_qq", which is not installed' in message


@pytest.mark.parametrize(
    "source, error",
    [("raise RuntimeError('boom in module')\n", RuntimeError), ("x = = 1\n", SyntaxError)],
)
def test_location_raising_keeps_its_class_and_gets_a_note(pkg, source, error):
    name, root = pkg
    (root / "models.py").write_text(source)
    reg = Registry("raise_loc", scope=_unique("rl"), locations=[f"{name}.models"])
    with pytest.raises(error) as info:
        reg.get("X")
    notes = getattr(info.value, "__notes__", [])
    assert any(f'"{name}.models", listed in `locations` of the "raise_loc"' in n for n in notes)


# ------------------------------------------------------------------ registration
def test_name_clash_names_both_objects_and_files(models):
    class RetinaNet:  # a second class of the same name, defined here
        pass

    with pytest.raises(KeyError, match="RetinaNet is already registered in bad_models") as info:
        models.register_module(module=RetinaNet)
    message = str(info.value)
    assert "test_name_clash_names_both_objects_and_files.<locals>.RetinaNet" in message
    assert message.count(f"{__file__}:") == 2  # both definitions, with their lines
    assert "force=True" in message


@pytest.mark.parametrize("kind", ["class", "function", "positional call"])
def test_register_module_without_parentheses_says_how(models, kind):
    with pytest.raises(TypeError, match="name must be None, an instance of str") as info:
        if kind == "class":

            @models.register_module
            class Foo:
                pass

        elif kind == "function":

            @models.register_module
            def Foo():  # noqa: N802
                pass

        else:

            class Foo:
                pass

            models.register_module(Foo)
    message = str(info.value)
    assert "`Foo` was passed as the name" in message
    assert "@REGISTRY.register_module()" in message and "module=Foo" in message
    assert '"bad_models" registry' in message


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        (dict(name=["ok", 3]), "item 1 of ['ok', 3] is 3 (int), not a str"),
        (dict(name=3), '(3): give the name(s) to register in the "bad_models" registry'),
        (dict(force="True"), "force must be a boolean, but got <class 'str'> ('True')"),
    ],
)
def test_register_module_argument_types(models, kwargs, needle):
    with pytest.raises(TypeError) as info:
        models.register_module(module=dict, **kwargs)
    assert needle in str(info.value)


# ----------------------------------------------------------------- build_from_cfg
def test_config_without_type_says_what_to_add(models):
    with pytest.raises(KeyError) as info:
        models.build(dict(depth=50))
    message = info.value.args[0]
    assert message.startswith(
        "`cfg` or `default_args` must contain the key \"type\", but got {'depth': 50}\nNone\n"
    )
    assert 'Add a "type" key to the config' in message and "e.g. type='RetinaNet'" in message
    assert '"bad_models" registry' in message and "RetinaNet, make_thing" in message


def test_unknown_scope_prefix_suggests_the_close_scope(models):
    with pytest.raises(KeyError, match="mmdett.RetinaNet is not in the") as info:
        models.build(dict(type="mmdett.RetinaNet", depth=50))
    message = info.value.args[0]
    assert 'No registry of this tree has the scope "mmdett"' in message
    assert 'no package named "mmdett" is installed' in message
    assert 'did you mean the scope "mmdet"?' in message
    assert 'Did you mean: "mmdet.RetinaNet", "RetinaNet"?' in message


@pytest.mark.parametrize(
    "key, needle",
    [
        ("collections.OrderedDictt", "module 'collections' has no attribute 'OrderedDictt'"),
        ("collections.abc.Mappingg", "module 'collections.abc' has no attribute 'Mappingg'"),
        ("nonexistent_pkg_zq.Thing", "no module named 'nonexistent_pkg_zq' is installed"),
    ],
)
def test_missing_object_path_says_what_failed(models, key, needle):
    assert models.get(key) is None  # 0.10: ``get`` answers None
    with pytest.raises(KeyError) as info:
        models.build(dict(type=key))
    assert f"Read as a full object path, {key!r} fails too: {needle}" in info.value.args[0]


def test_missing_object_path_suggests_close_attribute(models):
    with pytest.raises(KeyError) as info:
        models.build(dict(type="collections.OrderedDictt"))
    assert "(did you mean 'OrderedDict'?)" in info.value.args[0]


@pytest.mark.parametrize(
    "cfg, needle",
    [
        (dict(type="RetinaNet", depth=50, num_stage=3), "'num_stage' (did you mean 'num_stages'?)"),
        (dict(type="make_thing", size=1, colour="b"), "'colour' (did you mean 'color'?)"),
    ],
)
def test_constructor_type_error_names_config_registry_and_close_parameter(models, cfg, needle):
    with pytest.raises(TypeError, match="got an unexpected keyword argument") as info:
        models.build(cfg)
    message = str(info.value)
    assert needle in message
    assert '"bad_models" registry' in message
    shown = ", ".join(f"{k}={v!r}" for k, v in cfg.items() if k != "type")
    assert f"with the config dict(type={cfg['type']!r}, {shown})" in message


@pytest.mark.parametrize("lookup", ["build", "get", "contains"])
def test_empty_name_is_a_runtime_error_as_in_0_10(models, lookup):
    with pytest.raises(RuntimeError, match="Failed to get ") as info:
        if lookup == "build":
            models.build(dict(type=""))
        elif lookup == "get":
            models.get("")
        else:
            _ = "" in models
    assert isinstance(info.value, KeyError)  # an unknown name, too
    assert type(info.value).__name__ == "RuntimeError"
    assert "empty string" in str(info.value) and '"bad_models" registry' in str(info.value)


def test_non_str_scope_in_config(models):
    with pytest.raises(AssertionError, match="scope_name should be a string, but got 3") as info:
        models.build(dict(type="RetinaNet", depth=1, _scope_=3))
    assert "`_scope_` of the config" in str(info.value)
    assert '"bad_models" registry' in str(info.value)


def test_default_args_of_wrong_type(models):
    with pytest.raises(TypeError, match="default_args should be a dict"):
        build_from_cfg(dict(type="RetinaNet", depth=1), models, default_args=["depth"])


def test_unknown_scope_fallback_warning_suggests_a_scope(models, logs):
    obj = models.build(dict(type="RetinaNet", depth=1, _scope_="mmdett"))
    assert obj.depth == 1  # 0.10: falls back to the current registry
    warnings = [m for m, lv in logs if lv == logging.WARNING]
    assert any('Failed to search registry with scope "mmdett"' in m for m in warnings)
    assert any('Did you mean the scope "mmdet"?' in m for m in warnings)


def test_a_known_scope_outside_the_tree_gets_0_10s_warning_without_a_hint(logs):
    """MMDeploy's registries are roots of their own: building with the default scope "mmdet"
    falls back with 0.10's warning, which must not suggest another scope ("mmdet3d")."""
    root = Registry(_unique("codebases"), scope="mmdeploy")
    Registry(root.name, parent=root, scope="mmdet3d")

    @root.register_module()
    class MMDetection:
        pass

    assert isinstance(root.build(dict(type="MMDetection", _scope_="mmdet")), MMDetection)
    warnings = [m for m, lv in logs if lv == logging.WARNING]
    assert any(
        m.endswith(
            'Please check whether "mmdet" is a correct scope, or whether the '
            "registry is initialized."
        )
        for m in warnings
    ), warnings
    assert not any("Did you mean" in m for m in warnings)


def test_absent_scope_package_is_warned_about_after_a_silent_lookup(models, logs):
    scope = _unique("absentpkg")
    models.get(f"{scope}.X")  # lookups with a scope prefix do not warn
    assert not [m for m, _ in logs if f"{scope}.registry" in m]
    models.build(dict(type="RetinaNet", depth=1, _scope_=scope))  # building there does
    assert [m for m, lv in logs if f"{scope}.registry" in m and lv == logging.WARNING]


# ------------------------------------------------------------------ build_runner
def test_runner_type_errors_keep_0_10_sentences():
    runners = Registry("runner", scope=_unique("rt"))
    with pytest.raises(TypeError, match="^type must be a str or valid type") as info:
        build_runner_from_cfg(dict(runner_type=3), runners)
    assert "`runner_type` of the config" in str(info.value)
    with pytest.raises(KeyError, match="Runnerr is not in the runner registry"):
        build_runner_from_cfg(dict(runner_type="Runnerr"), runners)


# ------------------------------------------------------------------ DefaultScope
@pytest.mark.parametrize("scope_name", [None, 3])
def test_default_scope_name_must_be_str(scope_name):
    with pytest.raises(
        AssertionError, match=f"^scope_name should be a string, but got {scope_name}"
    ):
        DefaultScope.get_instance(_unique("ds"), scope_name=scope_name)


def test_overwrite_default_scope_with_a_non_str():
    with pytest.raises(AssertionError, match="^scope_name should be a string, but got 5") as info:
        with DefaultScope.overwrite_default_scope(5):
            pass
    assert "overwrite_default_scope" in str(info.value)
    assert DefaultScope.get_current_instance() is None  # nothing left behind


def test_overwrite_default_scope_with_none_keeps_the_current_scope():
    assert DefaultScope.get_current_instance() is None
    with DefaultScope.overwrite_default_scope(None):
        assert DefaultScope.get_current_instance() is None


@pytest.mark.parametrize(
    "scope, sentence",
    [
        (None, "type of name should be str, but got <class 'NoneType'>"),
        (3, "type of name should be str, but got <class 'int'>"),
        ("", "name argument must be an non-empty string."),
    ],
)
def test_init_default_scope_bad_names(scope, sentence):
    with pytest.raises(AssertionError) as info:
        init_default_scope(scope)
    assert str(info.value).startswith(sentence)
    assert "init_default_scope takes the scope name" in str(info.value)


def test_init_default_scope_warns_about_an_unknown_scope(logs):
    init_default_scope("mmenginee")  # neither a registry scope nor a package
    assert DefaultScope.get_current_instance().scope_name == "mmenginee"  # still set
    warnings = [m for m, lv in logs if lv == logging.WARNING]
    assert any('no registry has the scope "mmenginee"' in m for m in warnings)
    assert any('Did you mean "mmengine"?' in m for m in warnings)


@pytest.mark.parametrize("scope", ["mmengine", "json", "mmdet"])
def test_init_default_scope_does_not_warn_about_known_scopes(scope, logs):
    # a registry scope, an installed package, an OpenMMLab package (maybe not installed)
    init_default_scope(scope)
    assert not [m for m, lv in logs if lv >= logging.WARNING]


# ------------------------------------------------------------------------ utils
@pytest.mark.parametrize("arg", [{}, "models", None])
def test_traverse_registry_tree_needs_a_registry(arg):
    with pytest.raises(AttributeError, match="object has no attribute 'root'") as info:
        traverse_registry_tree(arg)
    assert isinstance(info.value, TypeError)
    assert "traverse_registry_tree expects a Registry" in str(info.value)


def test_count_registered_modules_checks_save_path_first(tmp_path, monkeypatch):
    import mmengine.registry.utils as utils_mod

    scanned = []
    monkeypatch.setattr(utils_mod, "_import_registering_packages", scanned.append)
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    with pytest.raises(FileExistsError, match="must be a directory"):
        count_registered_modules(save_path=str(a_file), verbose=False)
    with pytest.raises(TypeError, match="expected str, bytes or os.PathLike object, not int"):
        count_registered_modules(save_path=3, verbose=False)
    assert scanned == []  # failed before scanning


# ------------------------------------------------------------------ Registry.build
def test_build_keyword_typo_names_the_build_function(models):
    with pytest.raises(TypeError, match="unexpected keyword argument 'default_arg'") as info:
        models.build(dict(type="RetinaNet", depth=1), default_arg=dict(depth=2))
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert 'build function of the "bad_models" registry' in notes
    assert "build_from_cfg(cfg, registry, default_args=None)" in notes


def test_build_func_with_a_wrong_signature_is_explained():
    reg = Registry("bad_build_func", scope=_unique("bf"), build_func=lambda cfg: cfg)
    with pytest.raises(TypeError, match="unexpected keyword argument 'registry'") as info:
        reg.build(dict(type="X"))
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert 'the "bad_build_func" registry' in notes and "takes (cfg, registry, ...)" in notes


def test_type_error_inside_a_build_function_is_not_misexplained(models):
    with pytest.raises(TypeError, match="unexpected keyword argument 'num_stage'") as info:
        models.build(dict(type="RetinaNet", depth=1, num_stage=2))
    assert not any("build function" in n for n in getattr(info.value, "__notes__", []))


def test_install_hint_names_the_distribution_not_the_import_name():
    from mmengine.registry._imports import distribution_hint

    assert distribution_hint("skimage.morphology") == "scikit-image"  # mmocr's models import it
    assert distribution_hint("cv2") == "opencv-python"
    assert distribution_hint("mmseg.models") == "mmsegmentation"
    assert distribution_hint("not_a_real_dependency_qq") == "not_a_real_dependency_qq"


def test_install_hint_for_this_workspace_never_names_upstream_mmengine():
    """A config-only install lacks mmengine.model (the root registries list it): the hint is
    this workspace's distribution, never upstream's ``mmengine`` or a made-up name."""
    from pathlib import Path

    from mmengine.registry._imports import _WORKSPACE_DISTRIBUTIONS, distribution_hint

    assert distribution_hint("mmengine.model") == "mmengine-ng-model"
    assert distribution_hint("mmengine.visualization.vis_backend") == "mmengine-ng-visualization"
    assert distribution_hint("mmengine._strategy") == "mmengine-ng-runner"
    assert distribution_hint("mmengine.device") == "mmengine-ng-dist"
    assert distribution_hint("mmengine") == "mmengine-ng"
    packages = Path(__file__).resolve().parents[2]  # packages/ of a checkout
    members = {p.name for p in packages.glob("*/src/mmengine/*") if p.is_dir()}
    members -= {"__pycache__", "_plot_cli", "_runner_cli"}  # console scripts, not locations
    if members:
        assert members <= set(_WORKSPACE_DISTRIBUTIONS)
