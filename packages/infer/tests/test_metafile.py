"""Model lookup through an installed package's metafiles: list_models and friends."""

import sys

import pytest

from mmengine.infer import BaseInferencer
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope


def test_list_models_returns_names_and_aliases(fakezoo):
    assert BaseInferencer.list_models("fakezoo") == [
        "toy-model_3x2",
        "ToyAlias",
        "toy-big",
        "BigToy",
    ]


def test_list_models_patterns_match_from_the_start(fakezoo):
    assert BaseInferencer.list_models("fakezoo", patterns="toy-") == ["toy-model_3x2", "toy-big"]
    assert BaseInferencer.list_models("fakezoo", patterns=r".*Toy$") == ["BigToy"]
    assert BaseInferencer.list_models("fakezoo", patterns="Alias") == []  # re.match, not search


def test_list_models_logs_each_name(fakezoo, monkeypatch):
    messages = []
    logger = MMLogger.get_current_instance()
    monkeypatch.setattr(logger, "log", lambda level, msg, *a, **k: messages.append(msg))
    BaseInferencer.list_models("fakezoo", patterns="toy-big|BigToy")
    assert messages == ["model_name: toy-big\nmodel_name: BigToy\n"]


def test_list_models_scope_defaults_to_the_default_scope(fakezoo):
    with pytest.raises(AssertionError, match="scope should be initialized"):
        BaseInferencer.list_models()
    DefaultScope.get_instance("test-list-models", scope_name="fakezoo")
    assert BaseInferencer.list_models(patterns="Big") == ["BigToy"]


def test_models_from_metafile_are_the_raw_entries(fakezoo):
    directory = BaseInferencer._get_repo_or_mim_dir("fakezoo")
    assert directory == str(fakezoo.package_dir / ".mim")
    entries = list(BaseInferencer._get_models_from_metafile(directory))
    assert [e["Name"] for e in entries] == ["toy-model_3x2", "toy-big"]
    assert entries[0]["Weights"] == fakezoo.weights


def test_a_development_install_uses_the_repository_root(tmp_path, monkeypatch):
    # repo/devzoo/__init__.py with repo/configs and repo/model-index.yml beside it
    repo = tmp_path / "repo"
    (repo / "devzoo").mkdir(parents=True)
    (repo / "devzoo" / "__init__.py").write_text("")
    (repo / "configs").mkdir()
    (repo / "model-index.yml").write_text("Import: []\n")
    monkeypatch.syspath_prepend(str(repo))
    try:
        assert BaseInferencer._get_repo_or_mim_dir("devzoo") == str(repo)
        assert BaseInferencer.list_models("devzoo") == []
    finally:
        sys.modules.pop("devzoo", None)


def test_a_folder_named_configs_beside_an_installed_package_is_ignored(tmp_path, monkeypatch):
    # site-packages/configs (someone else's) next to site-packages/sitezoo/.mim
    site = tmp_path / "site"
    (site / "sitezoo" / ".mim").mkdir(parents=True)
    (site / "sitezoo" / "__init__.py").write_text("")
    (site / "configs").mkdir()
    monkeypatch.syspath_prepend(str(site))
    try:
        assert BaseInferencer._get_repo_or_mim_dir("sitezoo") == str(site / "sitezoo" / ".mim")
        with pytest.raises(FileNotFoundError, match="model-index.yml"):
            BaseInferencer.list_models("sitezoo")
    finally:
        sys.modules.pop("sitezoo", None)


def test_unknown_or_missing_scopes():
    with pytest.raises(KeyError, match="not_a_real_scope_xyz is not a valid scope"):
        BaseInferencer._get_repo_or_mim_dir("not_a_real_scope_xyz")
    if "mmflow" in sys.modules or _importable("mmflow"):
        pytest.skip("mmflow is installed here")
    with pytest.raises(ImportError, match="pip install mmflow"):
        BaseInferencer._get_repo_or_mim_dir("mmflow")


def _importable(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None
