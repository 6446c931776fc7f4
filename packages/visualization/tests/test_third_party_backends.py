"""Wandb, MLflow, ClearML, Neptune, DVCLive and Aim backends.

Their libraries are optional: construction must be cheap and import nothing,
first use must fail with an ImportError naming the ``pip install`` command, and
with the library present the calls must reach it (checked with stand-in modules).
"""

import sys
import types
from unittest import mock

import numpy as np
import pytest
import torch

from mmengine.config import Config
from mmengine.registry import VISBACKENDS
from mmengine.visualization import (
    AimVisBackend,
    ClearMLVisBackend,
    DVCLiveVisBackend,
    MLflowVisBackend,
    NeptuneVisBackend,
    WandbVisBackend,
)

BACKENDS = [
    (WandbVisBackend, "wandb", "wandb"),
    (MLflowVisBackend, "mlflow", "mlflow"),
    (ClearMLVisBackend, "clearml", "clearml"),
    (NeptuneVisBackend, "neptune", "neptune"),
    (DVCLiveVisBackend, "dvclive", "dvclive"),
    (AimVisBackend, "aim", "aim"),
]


@pytest.mark.parametrize(("cls", "module", "package"), BACKENDS)
def test_missing_package_error_names_pip_install(tmp_path, monkeypatch, cls, module, package):
    assert VISBACKENDS.get(cls.__name__) is cls
    monkeypatch.setitem(sys.modules, module, None)  # makes ``import module`` fail
    backend = cls(save_dir=str(tmp_path / "vis"))  # construction imports nothing
    assert not (tmp_path / "vis").exists() or cls in (WandbVisBackend,)
    with pytest.raises(ImportError, match=f"pip install {package}"):
        backend.add_scalar("loss", 0.1)
    with pytest.raises(ImportError, match=cls.__name__):
        _ = backend.experiment
    backend.close()  # closing an uninitialized backend is a no-op


def _fake_module(monkeypatch, name, **attrs):
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)
    return module


def test_wandb_calls(tmp_path, monkeypatch):
    wandb = _fake_module(
        monkeypatch,
        "wandb",
        init=mock.MagicMock(),
        define_metric=mock.MagicMock(),
        log=mock.MagicMock(),
        Image=mock.MagicMock(side_effect=lambda img: ("image", img.shape)),
        config=mock.MagicMock(),
        run=mock.MagicMock(),
        watch=mock.MagicMock(),
        join=mock.MagicMock(),
    )
    backend = WandbVisBackend(
        str(tmp_path),
        init_kwargs=dict(project="p"),
        define_metric_cfg={"coco/bbox_mAP": "max"},
        commit=False,
        watch_kwargs=dict(log="all"),
    )
    wandb.init.assert_not_called()
    assert backend.experiment is wandb
    wandb.init.assert_called_once_with(project="p", dir=str(tmp_path))
    wandb.define_metric.assert_called_once_with("coco/bbox_mAP", summary="max")

    backend.add_scalar("map", 0.5)
    wandb.log.assert_called_with({"map": 0.5}, commit=False)
    backend.add_scalars({"loss": 0.1}, step=3)
    wandb.log.assert_called_with({"loss": 0.1}, commit=False)
    backend.add_image("img", np.zeros((4, 5, 3), np.uint8))
    wandb.log.assert_called_with({"img": ("image", (4, 5, 3))}, commit=False)
    backend.add_config(Config(dict(a=1)))
    wandb.config.update.assert_called_once_with({"a": 1}, allow_val_change=False)
    model = torch.nn.Linear(2, 2)
    backend.add_graph(model, [])
    wandb.watch.assert_called_once_with(model, log="all")
    backend.close()
    wandb.join.assert_called_once()
    assert wandb.init.call_count == 1  # initialized once


def test_wandb_define_metric_list_and_bad_type(tmp_path, monkeypatch):
    wandb = _fake_module(
        monkeypatch, "wandb", init=mock.MagicMock(), define_metric=mock.MagicMock()
    )
    backend = WandbVisBackend(str(tmp_path), define_metric_cfg=[dict(name="acc", summary="max")])
    _ = backend.experiment
    wandb.define_metric.assert_called_once_with(name="acc", summary="max")
    bad = WandbVisBackend(str(tmp_path), define_metric_cfg="acc")
    with pytest.raises(ValueError, match="define_metric_cfg"):
        _ = bad.experiment


def test_mlflow_calls(tmp_path, monkeypatch):
    mlflow = _fake_module(
        monkeypatch,
        "mlflow",
        **{
            name: mock.MagicMock()
            for name in [
                "set_tracking_uri",
                "create_experiment",
                "set_experiment",
                "set_tag",
                "set_tags",
                "log_params",
                "log_text",
                "log_metric",
                "log_metrics",
                "log_image",
                "log_artifact",
                "end_run",
            ]
        },
        get_experiment_by_name=mock.MagicMock(return_value=None),
    )
    backend = MLflowVisBackend(str(tmp_path), exp_name="exp", run_name="run", tags=dict(t="1"))
    backend.add_scalar("map", torch.tensor(0.5), step=2)
    mlflow.set_tracking_uri.assert_called_once_with(f"file://{tmp_path}")
    mlflow.create_experiment.assert_called_once_with("exp", artifact_location=None)
    mlflow.set_tag.assert_called_once_with("mlflow.runName", "run")
    mlflow.log_metric.assert_called_once_with("map", 0.5, 2)
    backend.add_scalars({"loss": 0.1}, step=3)
    mlflow.log_metrics.assert_called_once_with({"loss": 0.1}, 3)

    work_dir = tmp_path / "work"
    (work_dir / "sub").mkdir(parents=True)
    (work_dir / "sub" / "log.json").write_text("{}")
    (work_dir / "model.pth").write_text("")
    cfg = Config(dict(a=dict(b=1, c=[dict(d=2)]), work_dir=str(work_dir)))
    backend.add_config(cfg)
    params = mlflow.log_params.call_args[0][0]
    assert params["a.b"] == 1 and params["a.c.0.d"] == 2
    backend.close()
    mlflow.log_artifact.assert_called_once_with(str(work_dir / "sub" / "log.json"), "sub")
    mlflow.end_run.assert_called_once()


def test_clearml_calls(tmp_path, monkeypatch):
    task = mock.MagicMock()
    clearml = _fake_module(monkeypatch, "clearml", Task=mock.MagicMock())
    clearml.Task.init.return_value = task
    backend = ClearMLVisBackend(init_kwargs=dict(project_name="p"))
    backend.add_scalars({"loss": 0.5}, step=4)
    clearml.Task.init.assert_called_once_with(project_name="p")
    task.get_logger().report_scalar.assert_called_once_with(
        title="loss", series="loss", value=0.5, iteration=4
    )
    backend.add_config(Config(dict(a=1)))
    task.connect_configuration.assert_called_once_with({"a": 1})
    backend.close()
    task.close.assert_called_once()


def test_neptune_and_aim_calls(monkeypatch):
    run = mock.MagicMock()
    neptune = _fake_module(monkeypatch, "neptune", init_run=mock.MagicMock(return_value=run))
    backend = NeptuneVisBackend()
    backend.add_scalars({"loss": 0.5}, step=2)
    neptune.init_run.assert_called_once_with(project="Untitled")
    run["loss"].append.assert_called_once_with(0.5, step=2)
    backend.close()
    run.stop.assert_called_once()

    aim_run = mock.MagicMock()
    aim = _fake_module(monkeypatch, "aim", Run=mock.MagicMock(return_value=aim_run))
    backend = AimVisBackend(save_dir="repo")
    backend.add_scalar("acc", np.float32(0.25), step=1)
    aim.Run.assert_called_once_with(repo="repo")
    aim_run.track.assert_called_once_with(name="acc", value=0.25, step=1)
    backend.add_scalars({"loss": torch.tensor(0.5), "lr": 0.1}, step=2)
    assert aim_run.track.call_args_list[1:] == [
        mock.call(name="loss", value=0.5, step=2),
        mock.call(name="lr", value=0.1, step=2),
    ]
    backend.close()
    aim_run.close.assert_called_once()


def test_dvclive_calls(tmp_path, monkeypatch):
    live = mock.MagicMock()
    dvclive = _fake_module(monkeypatch, "dvclive", Live=mock.MagicMock(return_value=live))
    backend = DVCLiveVisBackend(str(tmp_path))
    backend.add_scalars({"loss": torch.tensor(0.5)}, step=3)
    dvclive.Live.assert_called_once_with(dir=str(tmp_path), save_dvc_exp=True, cache_images=True)
    assert live.step == 3
    live.log_metric.assert_called_once_with("loss", 0.5)
    backend.add_config(Config(dict(a=(1, 2), b=np.int64(3))))
    live.log_params.assert_called_once_with({"a": [1, 2], "b": 3})
    backend.close()
    live.end.assert_called_once()
