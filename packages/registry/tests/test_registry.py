"""Registration, lookup across scopes, locations and repr of ``Registry``."""

from __future__ import annotations

import logging
import sys
import textwrap

import pytest

from mmengine.registry import Registry, build_from_cfg


def make_tree():
    """root (scope 'root') -> a, b; a -> a1."""
    root = Registry("animals", scope="root")
    a = Registry("animals", parent=root, scope="a")
    b = Registry("animals", parent=root, scope="b")
    a1 = Registry("animals", parent=a, scope="a1")
    return root, a, b, a1


class TestRegister:
    def test_decorator_uses_class_name_and_returns_class(self):
        cats = Registry("cat", scope="test")

        @cats.register_module()
        class BritishShorthair:
            pass

        assert BritishShorthair.__name__ == "BritishShorthair"  # returned unchanged
        assert cats.get("BritishShorthair") is BritishShorthair
        assert cats.module_dict == {"BritishShorthair": BritishShorthair}
        assert len(cats) == 1
        assert "BritishShorthair" in cats
        assert "Munchkin" not in cats

    def test_custom_name_and_name_list(self):
        cats = Registry("cat", scope="test")

        @cats.register_module(name="Sphynx")
        class SphynxCat:
            pass

        @cats.register_module(name=["Siamese", "Siamese2"])
        class SiameseCat:
            pass

        assert cats.get("Sphynx") is SphynxCat
        assert "SphynxCat" not in cats
        assert cats.get("Siamese") is SiameseCat and cats.get("Siamese2") is SiameseCat
        assert len(cats) == 3

    def test_as_function_call_and_functions(self):
        cats = Registry("cat", scope="test")

        class Munchkin:
            pass

        def meow(volume=1):
            return f"meow x{volume}"

        assert cats.register_module(module=Munchkin) is Munchkin
        cats.register_module(module=meow)
        cats.register_module(name="purr", module=lambda: "purr")
        assert cats.get("Munchkin") is Munchkin
        assert cats.build(dict(type="meow", volume=3)) == "meow x3"
        assert cats.build(dict(type="purr")) == "purr"

    def test_duplicate_name_raises_unless_force(self):
        cats = Registry("cat", scope="test")

        @cats.register_module()
        class Munchkin:
            pass

        with pytest.raises(KeyError, match="already registered in cat"):

            @cats.register_module(name="Munchkin")
            class Other:
                pass

        @cats.register_module(name="Munchkin", force=True)
        class Replacement:
            pass

        assert cats.get("Munchkin") is Replacement

    def test_duplicate_inside_name_list(self):
        cats = Registry("cat", scope="test")
        cats.register_module(name="x", module=int)
        with pytest.raises(KeyError, match="force=True"):
            cats.register_module(name=["y", "x"], module=float)

    @pytest.mark.parametrize(
        "kwargs",
        [dict(name=7474741), dict(name=["a", 3]), dict(force=1)],
    )
    def test_bad_arguments_raise_type_error(self, kwargs):
        cats = Registry("cat", scope="test")
        with pytest.raises(TypeError):
            cats.register_module(module=int, **kwargs)

    def test_non_callable_module_rejected(self):
        cats = Registry("cat", scope="test")
        with pytest.raises(TypeError, match="Callable"):
            cats.register_module(module=3)
        with pytest.raises(TypeError):
            cats.register_module()("not callable")


class TestConstruction:
    def test_scope_is_inferred_from_creating_module(self, tmp_path, monkeypatch):
        pkg = tmp_path / "scopeprobe_pkg"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        (pkg / "registry.py").write_text(
            "from mmengine.registry import Registry\n"
            "THINGS = Registry('thing')\n"
            "class Sub(Registry):\n"
            "    def __init__(self, name):\n"
            "        super().__init__(name)\n"
        )
        (pkg / "user.py").write_text("from scopeprobe_pkg.registry import Sub\nSUB = Sub('sub')\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        from scopeprobe_pkg import registry, user  # type: ignore[import-not-found]

        assert registry.THINGS.scope == "scopeprobe_pkg"
        # a subclass's __init__ frame is skipped: the creator's package wins
        assert user.SUB.scope == "scopeprobe_pkg"
        for name in ("scopeprobe_pkg", "scopeprobe_pkg.registry", "scopeprobe_pkg.user"):
            sys.modules.pop(name, None)

    def test_explicit_scope_and_properties(self):
        root, a, b, a1 = make_tree()
        assert a.scope == "a" and a.name == "animals"
        assert a.parent is root and root.parent is None
        assert root.children == {"a": a, "b": b}
        assert a.children == {"a1": a1}
        assert a1.root is root and root.root is root

    def test_build_func_inherited_from_parent(self):
        def build_func(cfg, registry, *args, **kwargs):
            return ("custom", cfg["type"], registry.scope)

        parent = Registry("p", build_func=build_func, scope="p")
        child = Registry("c", parent=parent, scope="c")
        plain = Registry("plain", scope="plain")
        assert child.build_func is build_func
        assert child.build(dict(type="X")) == ("custom", "X", "c")
        assert plain.build_func is build_from_cfg

    def test_duplicate_child_scope_rejected(self):
        root = Registry("r", scope="r")
        Registry("c", parent=root, scope="dup")
        with pytest.raises(ValueError, match="scope dup exists in r registry"):
            Registry("c2", parent=root, scope="dup")

    def test_bad_constructor_arguments(self):
        with pytest.raises(TypeError):
            Registry("r", scope=3)
        with pytest.raises(TypeError):
            Registry("r", parent="not a registry", scope="x")
        with pytest.raises(TypeError, match="locations"):
            Registry("r", scope="x", locations="pkg.mod")


class TestGet:
    def test_split_scope_key(self):
        assert Registry.split_scope_key("mmdet.ResNet") == ("mmdet", "ResNet")
        assert Registry.split_scope_key("ResNet") == (None, "ResNet")
        assert Registry.split_scope_key("a.b.C") == ("a", "b.C")

    def test_plain_name_searches_ancestors(self):
        root, a, b, a1 = make_tree()

        @root.register_module()
        class Animal:
            pass

        @a.register_module()
        class Cat:
            pass

        assert a1.get("Animal") is Animal
        assert a1.get("Cat") is Cat
        assert b.get("Cat") is None  # siblings are not searched without a scope
        assert root.get("Cat") is None

    def test_child_overrides_parent_and_scope_prefix_selects(self):
        root, a, b, _ = make_tree()

        @root.register_module(name="Dog")
        class RootDog:
            pass

        @a.register_module(name="Dog")
        class ADog:
            pass

        assert a.get("Dog") is ADog
        assert a.get("root.Dog") is RootDog
        assert a.get("a.Dog") is ADog
        assert b.get("Dog") is RootDog

    def test_own_scope_prefix_does_not_search_parents(self):
        root, a, _, _ = make_tree()
        root.register_module(name="OnlyRoot", module=int)
        assert a.get("OnlyRoot") is int
        assert a.get("a.OnlyRoot") is None

    def test_scope_prefix_reaches_children_siblings_and_grandchildren(self):
        root, a, b, a1 = make_tree()

        @a1.register_module()
        class Kitten:
            pass

        @b.register_module()
        class Puppy:
            pass

        assert a.get("a1.Kitten") is Kitten  # child
        assert b.get("a.a1.Kitten") is Kitten  # through the root, by a path of scopes
        assert a1.get("b.Puppy") is Puppy  # sibling branch
        assert root.get("b.Puppy") is Puppy
        assert "b.Puppy" in a
        assert b.get("a1.Nothing") is None

    def test_scope_prefix_past_children_looks_only_at_root_and_its_children(self):
        # As 0.10.7: a grandchild's scope is not found from the root or another branch
        # without the path of scopes, and the root's scope reaches only the root's own
        # modules.
        root, a, b, a1 = make_tree()

        @a1.register_module()
        class Kitten:
            pass

        @a.register_module()
        class Cat:
            pass

        assert b.get("a1.Kitten") is None
        assert root.get("a1.Kitten") is None
        assert a1.get("a1.Kitten") is Kitten
        assert a1.get("root.a.Cat") is None
        assert a1.get("a.Cat") is Cat

    def test_not_found_suggests_a_scope_path_that_resolves(self):
        root, a, b, a1 = make_tree()

        @a1.register_module()
        class Kitten:
            pass

        for registry, path in ((b, "a.a1.Kitten"), (root, "a.a1.Kitten"), (a, "a1.Kitten")):
            with pytest.raises(KeyError, match=f'Did you mean: "{path}"'):
                registry.build(dict(type="Kitten"))
            assert registry.get(path) is Kitten

    def test_unknown_scope_returns_none(self):
        root, a, _, _ = make_tree()
        assert a.get("nosuchscope_xyz.Thing") is None

    def test_dotted_object_path_falls_back_to_import(self):
        reg = Registry("r", scope="r")
        from collections import OrderedDict

        assert reg.get("collections.OrderedDict") is OrderedDict
        assert reg.get("collections.NoSuchThing") is None

    def test_non_str_key(self):
        reg = Registry("r", scope="r")
        with pytest.raises(TypeError, match="must be a str"):
            reg.get(3)


class TestLocations:
    def _make_pkg(self, tmp_path, name, registry_scope):
        pkg = tmp_path / name
        (pkg / "models").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "registry.py").write_text(
            textwrap.dedent(
                f"""
                from mmengine.registry import Registry
                MODELS = Registry('model', scope={registry_scope!r},
                                  locations=['{name}.models'])
                """
            )
        )
        (pkg / "models" / "__init__.py").write_text(
            textwrap.dedent(
                f"""
                from {name}.registry import MODELS
                IMPORT_COUNT = globals().get('IMPORT_COUNT', 0) + 1

                @MODELS.register_module()
                class LazyNet:
                    def __init__(self, depth=18):
                        self.depth = depth
                """
            )
        )

    def test_locations_imported_once_on_first_get(self, tmp_path, monkeypatch):
        name = "loc_pkg_once"
        self._make_pkg(tmp_path, name, "locpkg")
        monkeypatch.syspath_prepend(str(tmp_path))
        try:
            registry_module = __import__(f"{name}.registry", fromlist=["MODELS"])
            models = registry_module.MODELS
            assert f"{name}.models" not in sys.modules
            assert len(models) == 0
            net = models.build(dict(type="LazyNet", depth=50))
            assert net.depth == 50
            assert f"{name}.models" in sys.modules
            assert models.get("LazyNet") is type(net)
            assert sys.modules[f"{name}.models"].IMPORT_COUNT == 1
        finally:
            for mod in [m for m in sys.modules if m.startswith(name)]:
                del sys.modules[mod]

    def test_missing_location_raises_as_010_naming_distribution(self, logs):
        reg = Registry("r", scope="r", locations=["not_installed_pkg_qq.models"])
        reg.register_module(module=dict)
        for _ in range(2):  # still reported on the next lookup
            with pytest.raises(ModuleNotFoundError) as info:
                reg.get("dict")
            message = str(info.value)
            assert message.startswith("No module named 'not_installed_pkg_qq'")  # 0.10's
            assert "pip install not_installed_pkg_qq" in message
        assert not logs

    def test_missing_workspace_member_location_warns_once(self, logs, monkeypatch):
        # the root registries list mmengine.model etc., which a config-only install lacks
        from mmengine.registry import _imports

        monkeypatch.setitem(
            _imports._WORKSPACE_DISTRIBUTIONS, "no_such_member_zz", "mmengine-ng-no-such-zz"
        )
        reg = Registry("r", scope="r", locations=["mmengine.no_such_member_zz"])
        reg.register_module(module=dict)
        assert reg.get("dict") is dict
        Registry("r2", scope="r2", locations=["mmengine.no_such_member_zz"]).get("X")
        warned = [(m, lv) for m, lv in logs if "mmengine.no_such_member_zz" in m]
        assert len(warned) == 1 and warned[0][1] == logging.WARNING
        assert "pip install mmengine-ng-no-such-zz" in warned[0][0]

    def test_missing_module_of_mmengine_raises_with_suggestion(self):
        reg = Registry("r", scope="r", locations=["mmengine.registri.activations"])
        with pytest.raises(ModuleNotFoundError) as info:
            reg.get("X")
        assert str(info.value).startswith("No module named 'mmengine.registri'")
        assert 'did you mean "mmengine.registry"' in str(info.value)

    def test_broken_location_propagates(self, tmp_path, monkeypatch):
        pkg = tmp_path / "broken_loc_pkg"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("import not_a_real_dependency_zz\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        reg = Registry("r", scope="r", locations=["broken_loc_pkg"])
        with pytest.raises(ModuleNotFoundError, match="not_a_real_dependency_zz"):
            reg.get("X")
        with pytest.raises(ModuleNotFoundError, match="not_a_real_dependency_zz"):
            reg.get("X")  # still reported on the next lookup, never swallowed
        sys.modules.pop("broken_loc_pkg", None)

    def test_scope_prefix_imports_scope_registry(self, tmp_path, monkeypatch):
        name = "scope_auto_pkg"
        self._make_pkg(tmp_path, name, name)
        monkeypatch.syspath_prepend(str(tmp_path))
        # rebuild registry.py so that it hangs under our root registry
        root = Registry("model", scope="autoroot")
        (tmp_path / name / "registry.py").write_text(
            textwrap.dedent(
                f"""
                import builtins
                from mmengine.registry import Registry
                MODELS = Registry('model', parent=builtins._regtest_root,
                                  scope={name!r}, locations=['{name}.models'])
                """
            )
        )
        import builtins

        builtins._regtest_root = root
        try:
            cls = root.get(f"{name}.LazyNet")
            assert cls is not None and cls.__name__ == "LazyNet"
            assert name in root.children
        finally:
            del builtins._regtest_root
            for mod in [m for m in sys.modules if m.startswith(name)]:
                del sys.modules[mod]


def test_repr_lists_registered_modules():
    cats = Registry("cat", scope="test")

    @cats.register_module()
    class BritishShorthair:
        pass

    @cats.register_module()
    class Munchkin:
        pass

    text = repr(cats)
    assert "Registry of cat" in text
    assert "BritishShorthair" in text and "Munchkin" in text
    assert text.index("BritishShorthair") < text.index("Munchkin")  # sorted by name


class TestLegacyRegisterAllModules:
    def test_scope_without_locations_calls_register_all_modules(self, tmp_path, monkeypatch):
        from mmengine.config.utils import MODULE2PACKAGE

        name = "fakemm_legacy_zz"
        pkg = tmp_path / name
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        (pkg / "utils.py").write_text(
            textwrap.dedent(
                """
                CALLS = []

                def register_all_modules(init_default_scope=True):
                    CALLS.append(init_default_scope)
                    from builtins import _legacy_registry as reg
                    reg.register_module(name='LegacyNet', module=dict)
                """
            )
        )
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.setitem(MODULE2PACKAGE, name, "fakemm-legacy")
        import builtins

        reg = Registry("model", scope=name)
        builtins._legacy_registry = reg
        try:
            assert reg.get("LegacyNet") is dict
            assert sys.modules[f"{name}.utils"].CALLS == [False]
        finally:
            del builtins._legacy_registry
            for mod in [m for m in sys.modules if m.startswith(name)]:
                del sys.modules[mod]

    def test_uninstalled_legacy_scope_warns(self, logs, monkeypatch):
        from mmengine.config.utils import MODULE2PACKAGE

        monkeypatch.setitem(MODULE2PACKAGE, "fakemm_absent_zz", "fakemm-absent")
        reg = Registry("model", scope="fakemm_absent_zz")
        assert reg.get("Anything") is None
        assert any("pip install fakemm-absent" in m for m, lv in logs if lv == logging.WARNING)


def test_parent_locations_imported_for_child_lookup(tmp_path, monkeypatch):
    name = "parent_loc_pkg_zz"
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from builtins import _parent_registry as reg\n"
        "reg.register_module(name='FromParentLocation', module=set)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import builtins

    parent = Registry("model", scope="ploc", locations=[name])
    child = Registry("model", parent=parent, scope="cloc")
    builtins._parent_registry = parent
    try:
        assert child.get("FromParentLocation") is set
    finally:
        del builtins._parent_registry
        sys.modules.pop(name, None)


def test_infer_scope_static_method_uses_the_callers_caller():
    def create():
        return Registry.infer_scope()

    assert create() == __name__.split(".")[0]


def test_infer_scope_in_a_script(tmp_path):
    import subprocess

    script = tmp_path / "script.py"
    script.write_text("from mmengine.registry import Registry\nprint(Registry('things').scope)\n")
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "__main__"


def test_infer_scope_of_code_executed_in_main(tmp_path):
    """Code exec'd in ``__main__`` (a notebook cell) has no module file of its own: 0.10
    warns and takes the "mmengine" scope; the script's own code keeps "__main__"."""
    import subprocess

    script = tmp_path / "script.py"
    script.write_text(
        "from mmengine.registry import Registry\n"
        "print(Registry('things').scope)\n"
        "exec(\"print(Registry('cell').scope)\")\n"
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    printed = [line for line in out.stdout.splitlines() if " - WARNING - " not in line]
    assert printed[-2:] == ["__main__", "mmengine"]
    assert 'set scope as "mmengine" when scope can not be inferred' in out.stdout + out.stderr
