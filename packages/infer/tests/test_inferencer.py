"""BaseInferencer end to end (N3) on the fake package ``fakezoo`` (see conftest.py)."""

import copy
import warnings

import numpy as np
import pytest
import torch

from mmengine.config import Config, ConfigDict
from mmengine.dataset import pseudo_collate
from mmengine.device import get_device
from mmengine.infer import BaseInferencer
from mmengine.registry import DefaultScope
from mmengine.visualization import Visualizer

UNLOADED = (
    "Checkpoint is not loaded, and the inference result is calculated by the randomly "
    "initialized model!"
)


class ToyInferencer(BaseInferencer):
    """Records what each workflow step received."""

    preprocess_kwargs = {"pre_flag"}
    forward_kwargs = {"fw_flag"}
    visualize_kwargs = {"show", "draw"}
    postprocess_kwargs = {"as_list"}

    def __init__(self, *args, **kwargs):
        self.calls = {}
        super().__init__(*args, **kwargs)

    def _init_pipeline(self, cfg):
        self.calls["pipeline_cfg"] = cfg

        def pipeline(item):
            if isinstance(item, str):
                item = np.load(item)
            return dict(inputs=torch.as_tensor(np.asarray(item), dtype=torch.float32))

        return pipeline

    def preprocess(self, inputs, batch_size=1, **kwargs):
        self.calls["preprocess"] = kwargs
        return super().preprocess(inputs, batch_size=batch_size, **kwargs)

    def forward(self, inputs, **kwargs):
        self.calls.setdefault("forward", []).append(kwargs)
        return super().forward(inputs, **kwargs)

    def visualize(self, inputs, preds, show=False, **kwargs):
        self.calls["visualize"] = dict(inputs=inputs, show=show, **kwargs)
        return [f"vis{i}" for i in range(len(inputs))]

    def postprocess(self, preds, visualization, return_datasample=False, **kwargs):
        self.calls["postprocess"] = dict(return_datasample=return_datasample, **kwargs)
        predictions = preds if return_datasample else [p.tolist() for p in preds]
        return dict(predictions=predictions, visualization=visualization)


def expected(zoo, x):
    """What the metafile checkpoint's Linear layer gives for ``x``."""
    sd = zoo.state_dict
    return (
        torch.as_tensor(x, dtype=torch.float32) @ sd["linear.weight"].T + sd["linear.bias"]
    ).tolist()


def test_config_path_builds_loads_and_runs(fakezoo):
    inferencer = ToyInferencer(fakezoo.config, weights=fakezoo.weights, scope="fakezoo")
    model = inferencer.model
    assert type(model).__name__ == "ToyModel"
    assert not model.training
    assert next(model.parameters()).device.type == get_device()  # the default device
    assert torch.equal(model.linear.weight, fakezoo.state_dict["linear.weight"])
    # cfg.model.pretrained is dropped: the inferencer loads the weights itself
    assert "pretrained" not in inferencer.cfg.model
    assert model.cfg is inferencer.cfg
    assert isinstance(inferencer.cfg, Config)
    assert inferencer.calls["pipeline_cfg"] is inferencer.cfg
    assert inferencer.collate_fn is pseudo_collate
    assert inferencer.visualizer is None
    assert inferencer.scope == "fakezoo"
    assert inferencer.show_progress is True

    x = np.array([1.0, 2.0, 3.0])
    result = inferencer(x)
    np.testing.assert_allclose(result["predictions"], [expected(fakezoo, x)], rtol=1e-6)
    assert result["visualization"] == ["vis0"]


def test_outputs_match_the_loaded_weights_without_gradients(fakezoo):
    inferencer = ToyInferencer(
        fakezoo.config, weights=fakezoo.weights, scope="fakezoo", show_progress=False
    )
    inputs = [np.full(3, float(i)) for i in range(3)]
    result = inferencer(inputs, return_datasamples=True, batch_size=2)
    preds = result["predictions"]
    assert len(preds) == 3
    assert all(not p.requires_grad for p in preds)  # forward runs under no_grad
    for x, pred in zip(inputs, preds):
        np.testing.assert_allclose(pred.numpy(), expected(fakezoo, x), rtol=1e-6)
    assert inferencer.calls["postprocess"]["return_datasample"] is True


def test_batch_size_chunks_the_inputs(fakezoo):
    inferencer = ToyInferencer(
        fakezoo.config, weights=fakezoo.weights, scope="fakezoo", show_progress=False
    )
    fakezoo.module.BATCH_SIZES.clear()
    result = inferencer([np.full(3, float(i)) for i in range(5)], batch_size=2)
    assert fakezoo.module.BATCH_SIZES == [2, 2, 1]  # the last chunk is short
    assert len(result["predictions"]) == 5
    assert len(inferencer.calls["forward"]) == 3
    assert list(inferencer._get_chunk_data(iter(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    assert list(inferencer._get_chunk_data(range(4), 4)) == [[0, 1, 2, 3]]
    with pytest.raises(ValueError, match="batch_size"):
        list(inferencer._get_chunk_data(range(3), 0))


def test_preprocess_yields_collated_chunks(fakezoo):
    inferencer = ToyInferencer(fakezoo.config, weights=fakezoo.weights, scope="fakezoo")
    chunks = list(inferencer.preprocess([np.ones(3)] * 3, batch_size=2))
    assert [len(chunk["inputs"]) for chunk in chunks] == [2, 1]  # pseudo_collate'd dicts


def test_kwargs_are_dispatched_and_unknown_ones_rejected(fakezoo):
    inferencer = ToyInferencer(
        fakezoo.config, weights=fakezoo.weights, scope="fakezoo", show_progress=False
    )
    inferencer(np.ones(3), pre_flag=1, fw_flag=2, draw=3, show=True, as_list=4)
    assert inferencer.calls["preprocess"] == {"pre_flag": 1}
    assert inferencer.calls["forward"] == [{"fw_flag": 2}]
    assert inferencer.calls["visualize"]["draw"] == 3
    assert inferencer.calls["visualize"]["show"] is True
    assert inferencer.calls["postprocess"] == {"return_datasample": False, "as_list": 4}
    assert inferencer._dispatch_kwargs(pre_flag=1, show=False) == (
        {"pre_flag": 1},
        {},
        {"show": False},
        {},
    )

    with pytest.raises(ValueError) as info:
        inferencer(np.ones(3), foo=1, unknown=2, show=True)
    assert str(info.value).startswith(
        "unknown argument {'foo', 'unknown'} for `preprocess`, `forward`, `visualize` and "
        "`postprocess`"
    )
    assert "pre_flag" in str(info.value)  # lists what is accepted


def test_inputs_to_list(fakezoo, tmp_path):
    inferencer = ToyInferencer(fakezoo.config, weights=fakezoo.weights, scope="fakezoo")
    array = np.ones(3)
    one = inferencer._inputs_to_list(array)
    assert isinstance(one, list) and len(one) == 1 and one[0] is array
    assert inferencer._inputs_to_list((1, 2)) == [1, 2]
    assert inferencer._inputs_to_list("some/file.npy") == ["some/file.npy"]

    for name, value in (("b.npy", 2.0), ("a.npy", 1.0)):
        np.save(tmp_path / name, np.full(3, value))
    (tmp_path / "sub").mkdir()
    np.save(tmp_path / "sub" / "c.npy", np.zeros(3))  # subfolders are not inputs
    files = inferencer._inputs_to_list(str(tmp_path))
    assert files == [str(tmp_path / "a.npy"), str(tmp_path / "b.npy")]


def test_a_directory_input_runs_every_file(fakezoo, tmp_path):
    inferencer = ToyInferencer(
        fakezoo.config, weights=fakezoo.weights, scope="fakezoo", show_progress=False
    )
    for i in range(3):
        np.save(tmp_path / f"{i}.npy", np.full(3, float(i)))
    result = inferencer(str(tmp_path), batch_size=2)
    assert len(result["predictions"]) == 3
    np.testing.assert_allclose(result["predictions"][2], expected(fakezoo, np.full(3, 2.0)))
    assert inferencer.calls["visualize"]["inputs"][0] == str(tmp_path / "0.npy")


def test_model_name_and_alias_from_the_metafile(fakezoo):
    for name in ("toy-model_3x2", "ToyAlias", "toyalias", "TOY-MODEL_3X2"):
        inferencer = ToyInferencer(name, scope="fakezoo")
        # the metafile's Weights were loaded
        assert torch.equal(inferencer.model.linear.weight, fakezoo.state_dict["linear.weight"])
        assert inferencer.cfg.filename == fakezoo.config


def test_explicit_weights_win_over_the_metafile(fakezoo, tmp_path):
    other = {"linear.weight": torch.ones(2, 3), "linear.bias": torch.zeros(2)}
    path = tmp_path / "other.pth"
    torch.save({"state_dict": other}, path)
    inferencer = ToyInferencer("ToyAlias", weights=str(path), scope="fakezoo")
    assert torch.equal(inferencer.model.linear.weight, other["linear.weight"])


def test_unknown_model_name_or_missing_scope(fakezoo):
    with pytest.raises(ValueError, match="Cannot find model: nosuch in fakezoo"):
        ToyInferencer("nosuch", scope="fakezoo")
    with pytest.raises(ValueError, match="Did you mean 'ToyAlias'"):
        ToyInferencer("ToyAlia", scope="fakezoo")
    with pytest.raises(AssertionError, match="scope should be initialized"):
        ToyInferencer("ToyAlias")


def test_scope_defaults_to_the_current_default_scope(fakezoo):
    DefaultScope.get_instance("test-infer-scope", scope_name="fakezoo")
    inferencer = ToyInferencer("ToyAlias")
    assert inferencer.scope == "fakezoo"


def test_metafile_entry_without_weights_warns_random_init(fakezoo):
    with pytest.warns(UserWarning, match="randomly initialized"):
        inferencer = ToyInferencer("BigToy", scope="fakezoo")
    assert type(inferencer.model).__name__ == "ToyModel"


def test_dict_and_config_models_are_deep_copied(fakezoo):
    model_dict = dict(model=dict(type="ToyModel", pretrained="x"))
    original = copy.deepcopy(model_dict)
    with pytest.warns(UserWarning) as record:
        inferencer = ToyInferencer(model_dict, scope="fakezoo")
    assert [str(w.message) for w in record if w.category is UserWarning] == [UNLOADED]
    assert model_dict == original  # the caller's dict is untouched
    assert isinstance(inferencer.cfg, ConfigDict)
    assert "pretrained" not in inferencer.cfg.model

    cfg = Config.fromfile(fakezoo.config)
    inferencer = ToyInferencer(cfg, weights=fakezoo.weights, scope="fakezoo")
    assert inferencer.cfg is not cfg
    assert "pretrained" in cfg.model
    assert torch.equal(inferencer.model.linear.bias, fakezoo.state_dict["linear.bias"])


def test_bad_model_argument(fakezoo):
    with pytest.raises(TypeError, match="model must be a filepath"):
        ToyInferencer(12, scope="fakezoo")
    with pytest.raises(ValueError) as info:
        ToyInferencer(None, scope="fakezoo")
    assert str(info.value) == (
        "If model is None, the weights must be specified since the config needs to be "
        "loaded from the weights"
    )


def _state(value):
    return {"linear.weight": torch.full((2, 3), value), "linear.bias": torch.zeros(2)}


@pytest.mark.parametrize("where", ["meta", "message_hub", "both", "dict"])
def test_no_model_reads_the_config_from_the_checkpoint(fakezoo, tmp_path, where):
    text = Config.fromfile(fakezoo.config).pretty_text
    other = "model = dict(type='ToyModel', in_ch=3, out_ch=2, init_cfg=None)\n"
    checkpoint = {"state_dict": _state(3.0)}
    if where == "meta":
        checkpoint["meta"] = {"cfg": text}
    elif where == "message_hub":
        checkpoint["message_hub"] = {"runtime_info": {"cfg": text}, "log_scalars": {}}
    elif where == "both":  # the message hub's config wins
        checkpoint["message_hub"] = {"runtime_info": {"cfg": text}}
        checkpoint["meta"] = {"cfg": other}
    else:
        checkpoint["meta"] = {"cfg": Config.fromfile(fakezoo.config).to_dict()}
    path = tmp_path / "ckpt.pth"
    torch.save(checkpoint, path)

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the weights are loaded: no warning
        inferencer = ToyInferencer(None, weights=str(path), scope="fakezoo")
    assert isinstance(inferencer.cfg, ConfigDict)
    assert inferencer.cfg.default_scope == "fakezoo"
    assert torch.equal(inferencer.model.linear.weight, torch.full((2, 3), 3.0))


def test_checkpoint_without_config(fakezoo, tmp_path):
    path = tmp_path / "bare.pth"
    torch.save({"state_dict": _state(1.0)}, path)
    with pytest.raises(AssertionError, match="the checkpoint must contain the config string"):
        ToyInferencer(None, weights=str(path), scope="fakezoo")


def test_weights_load_through_the_safe_loader(fakezoo, tmp_path):
    import os

    from mmengine.model.checkpoint import UnsafeCheckpointError

    path = tmp_path / "unsafe.pth"
    torch.save({"state_dict": _state(1.0), "meta": {"hook": os.getcwd}}, path)
    with pytest.raises(UnsafeCheckpointError):
        ToyInferencer(fakezoo.config, weights=str(path), scope="fakezoo")


def test_collate_fn_from_the_functions_registry(fakezoo):
    calls = fakezoo.module.COLLATE_CALLS
    for spec, tag in (("counting_collate", None), (dict(type="counting_collate", tag="t"), "t")):
        cfg = dict(model=dict(type="ToyModel"), test_dataloader=dict(collate_fn=spec))
        inferencer = ToyInferencer(cfg, weights=fakezoo.weights, scope="fakezoo")
        calls.clear()
        inferencer([np.ones(3)] * 3, batch_size=2)
        assert calls == [(2, tag), (1, tag)]

    cfg = dict(model=dict(type="ToyModel"), test_dataloader=dict(collate_fn="no_such_collate"))
    with pytest.raises(KeyError, match="no_such_collate"):
        ToyInferencer(cfg, weights=fakezoo.weights, scope="fakezoo")


def test_visualizer_built_from_the_config_with_a_unique_name(fakezoo):
    cfg = dict(model=dict(type="ToyModel"), visualizer=dict(type="Visualizer", name="toy_vis"))
    first = ToyInferencer(cfg, weights=fakezoo.weights, scope="fakezoo")
    second = ToyInferencer(cfg, weights=fakezoo.weights, scope="fakezoo")
    assert isinstance(first.visualizer, Visualizer)
    assert first.visualizer.instance_name == "toy_vis"
    assert second.visualizer.instance_name.startswith("toy_vis-")  # a timestamp suffix
    assert second.visualizer is not first.visualizer
    assert cfg["visualizer"] == dict(type="Visualizer", name="toy_vis")

    unnamed = dict(model=dict(type="ToyModel"), visualizer=dict(type="Visualizer"))
    third = ToyInferencer(unnamed, weights=fakezoo.weights, scope="fakezoo")
    float(third.visualizer.instance_name)  # named by the timestamp

    disabled = dict(model=dict(type="ToyModel"), visualizer=None)
    assert ToyInferencer(disabled, weights=fakezoo.weights, scope="fakezoo").visualizer is None


def test_progress_bar_is_optional(fakezoo, capsys):
    inferencer = ToyInferencer(
        fakezoo.config, weights=fakezoo.weights, scope="fakezoo", show_progress=False
    )
    inferencer([np.ones(3)] * 2)
    assert "Inference" not in capsys.readouterr().out


def test_explicit_cpu_device(fakezoo):
    inferencer = ToyInferencer(
        fakezoo.config, weights=fakezoo.weights, scope="fakezoo", device="cpu"
    )
    assert next(inferencer.model.parameters()).device.type == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_default_device_is_the_gpu(fakezoo):
    inferencer = ToyInferencer(
        fakezoo.config, weights=fakezoo.weights, scope="fakezoo", show_progress=False
    )
    assert next(inferencer.model.parameters()).device.type == "cuda"
    (pred,) = inferencer(np.ones(3), return_datasamples=True)["predictions"]
    assert pred.device.type == "cuda"  # the data preprocessor moved the inputs
    np.testing.assert_allclose(pred.cpu().numpy(), expected(fakezoo, np.ones(3)), rtol=1e-6)


class DownstreamStyleInferencer(ToyInferencer):
    """Uses the extension points the way the zoo inferencers (mmdet, mmseg) do."""

    def __init__(self, model=None, weights=None, device=None, scope="fakezoo", **kwargs):
        from mmengine.registry import init_default_scope

        init_default_scope(scope)
        super().__init__(model=model, weights=weights, device=device, scope=scope, **kwargs)

    def _load_weights_to_model(self, model, checkpoint, cfg):
        from mmengine.runner.checkpoint import _load_checkpoint_to_model

        assert checkpoint is not None
        _load_checkpoint_to_model(model, checkpoint)
        model.dataset_meta = checkpoint.get("meta", {}).get("dataset_meta", {"classes": ()})

    def _init_visualizer(self, cfg):
        visualizer = super()._init_visualizer(cfg)
        visualizer.dataset_meta = self.model.dataset_meta
        return visualizer

    def _get_chunk_data(self, inputs, chunk_size):
        # keep each original input next to its pipeline output
        chunk = []
        for item in inputs:
            chunk.append((item, self.pipeline(item)))
            if len(chunk) == chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def preprocess(self, inputs, batch_size=1, **kwargs):
        for chunk in self._get_chunk_data(inputs, batch_size):
            originals, data = zip(*chunk)
            yield originals, self.collate_fn(list(data))

    def forward(self, inputs, **kwargs):
        return super().forward(inputs[1], **kwargs)


def test_downstream_style_subclass(fakezoo, tmp_path):
    path = tmp_path / "with_meta.pth"
    meta = {"dataset_meta": {"classes": ("cat", "dog")}}
    torch.save({"state_dict": fakezoo.state_dict, "meta": meta}, path)
    cfg = dict(
        model=dict(type="ToyModel"), visualizer=dict(type="Visualizer", name="downstream_vis")
    )
    inferencer = DownstreamStyleInferencer(cfg, weights=str(path), show_progress=False)
    assert inferencer.model.dataset_meta == {"classes": ("cat", "dog")}
    assert inferencer.visualizer.dataset_meta == {"classes": ("cat", "dog")}
    assert inferencer.scope == "fakezoo"
    result = inferencer([np.ones(3), np.zeros(3), np.ones(3)], batch_size=2)
    assert len(result["predictions"]) == 3
    np.testing.assert_allclose(result["predictions"][1], expected(fakezoo, np.zeros(3)), rtol=1e-6)
