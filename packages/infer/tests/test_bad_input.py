"""Bad input to BaseInferencer: the error keeps 0.10's class (and sentence) and says what was
wrong, where, and what would fix it, before anything large is read or built."""

import pickle
import re
import sys

import numpy as np
import pytest
import torch

from mmengine.infer import BaseInferencer


class BadInputInferencer(BaseInferencer):
    preprocess_kwargs = {"pre_flag"}
    forward_kwargs = {"fw_flag"}
    visualize_kwargs = {"show", "return_vis"}
    postprocess_kwargs = {"print_result"}

    def _init_pipeline(self, cfg):
        self.pipeline_calls = 0

        def pipeline(item):
            self.pipeline_calls += 1
            if isinstance(item, str):
                item = np.load(item)
            return dict(inputs=torch.as_tensor(np.asarray(item), dtype=torch.float32))

        return pipeline

    def visualize(self, inputs, preds, show=False, return_vis=False):
        if not (show or return_vis):
            return None
        return [self.visualizer.get_image() for _ in preds]  # fails without a visualizer

    def postprocess(self, preds, visualization, return_datasample=False, print_result=False):
        return dict(predictions=[p.tolist() for p in preds], visualization=visualization)


CFG = dict(model=dict(type="ToyModel"))


def notes(exc_info):
    return " ".join(getattr(exc_info.value, "__notes__", []))


@pytest.fixture
def inferencer(fakezoo):
    return BadInputInferencer(
        CFG, weights=fakezoo.weights, scope="fakezoo", device="cpu", show_progress=False
    )


# ----------------------------------------------------------------------------- model
def test_a_missing_config_path_says_no_file_is_there(fakezoo, tmp_path):
    (tmp_path / "retinanet.py").write_text("model = dict(type='ToyModel')\n")
    missing = str(tmp_path / "retinanet_r50.py")
    with pytest.raises(AssertionError) as info:  # no scope: 0.10's AssertionError
        BadInputInferencer(missing, weights=fakezoo.weights)
    message = str(info.value)
    assert message.startswith("scope should be initialized if you want to load config")
    assert f"No config file exists at {missing!r}" in message
    assert "Did you mean 'retinanet.py'?" in message

    with pytest.raises(ValueError) as info:  # a scope: 0.10's "Cannot find model"
        BadInputInferencer("configs/nosuch/x.py", scope="fakezoo")
    message = str(info.value)
    assert message.startswith("Cannot find model: configs/nosuch/x.py in fakezoo")
    assert "the folder 'configs/nosuch' does not exist either" in message


def test_a_directory_as_model_names_its_config_files(fakezoo, tmp_path):
    (tmp_path / "toy.py").write_text("model = dict(type='ToyModel')\n")
    with pytest.raises(AssertionError, match="is a directory \\(it holds toy.py\\)"):
        BadInputInferencer(str(tmp_path), weights=fakezoo.weights)


def test_a_checkpoint_passed_as_model_points_to_weights(fakezoo):
    with pytest.raises(OSError) as info:
        BadInputInferencer(fakezoo.weights, scope="fakezoo")
    message = str(info.value)
    assert message.startswith("Only py/yml/yaml/json type are supported now!")
    assert "looks like a checkpoint: pass it as `weights=`" in message


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (dict(default_scope="fakezoo"), "its keys: 'default_scope'"),
        (dict(type="ToyModel"), "looks like the model's own config"),
    ],
)
def test_a_config_without_model_fails_before_the_checkpoint_is_read(cfg, expected):
    # weights that do not exist: the config is checked first
    with pytest.raises(AttributeError) as info:  # 0.10: AttributeError from cfg.model
        BadInputInferencer(cfg, weights="no/such/weights.pth", scope="fakezoo")
    assert isinstance(info.value, KeyError)  # what this project raised before
    assert type(info.value).__name__ == "AttributeError"
    message = str(info.value)
    assert message.startswith("'ConfigDict' object has no attribute 'model'")
    assert "pass a config with `model = dict(type=...)`" in message
    assert expected in message


@pytest.mark.parametrize("model", [None, "ToyModel"])
def test_a_model_entry_that_is_not_a_dict(fakezoo, model):
    with pytest.raises(AttributeError, match="`model` in the config .* must be a dict"):
        BadInputInferencer(dict(model=model), weights=fakezoo.weights, scope="fakezoo")


def test_a_visualizer_entry_that_is_not_a_dict(fakezoo):
    cfg = dict(model=dict(type="ToyModel"), visualizer="Visualizer")
    with pytest.raises(AttributeError, match="`visualizer` in the config must be a dict"):
        BadInputInferencer(cfg, weights=fakezoo.weights, scope="fakezoo")


# ----------------------------------------------------------------------------- weights
@pytest.mark.parametrize(
    "weights, expected",
    [(5, "but got 5"), ({"linear.weight": torch.ones(2, 3)}, "not a state dict")],
)
def test_weights_of_the_wrong_type(fakezoo, weights, expected):
    with pytest.raises(TypeError) as info:
        BadInputInferencer(CFG, weights=weights, scope="fakezoo")
    assert "`weights` of BadInputInferencer is the path or URL of a checkpoint" in str(info.value)
    assert expected in str(info.value)


def test_a_config_file_given_as_weights(fakezoo):
    with pytest.raises(pickle.UnpicklingError) as info:
        BadInputInferencer(CFG, weights=fakezoo.config, scope="fakezoo")
    assert "a config file: pass it as `model`" in notes(info)


def test_a_checkpoint_of_another_model_is_reported(fakezoo, tmp_path):
    other = tmp_path / "other.pth"
    torch.save({"state_dict": {"conv.weight": torch.ones(4, 3, 3, 3)}}, other)
    with pytest.warns(UserWarning) as record:
        BadInputInferencer(CFG, weights=str(other), scope="fakezoo")
    (report,) = [str(w.message) for w in record if "parameters of ToyModel" in str(w.message)]
    assert report.startswith(
        f"None of the 2 parameters of ToyModel were loaded from the checkpoint {other}"
    )
    assert "2 not in it (linear.weight, linear.bias)" in report
    assert "probably of another model" in report

    partial = tmp_path / "partial.pth"
    torch.save({"state_dict": {"module.linear.weight": torch.ones(2, 5)}}, partial)
    with pytest.warns(UserWarning) as record:
        BadInputInferencer(CFG, weights=str(partial), scope="fakezoo")
    (report,) = [str(w.message) for w in record if "parameters of ToyModel" in str(w.message)]
    assert report.startswith("None of the 2 parameters of ToyModel were loaded")
    assert "1 not in it (linear.bias)" in report
    assert "linear.weight (2, 5) in the checkpoint vs (2, 3)" in report


def test_a_partially_matching_checkpoint_counts_what_was_not_loaded(fakezoo, tmp_path):
    path = tmp_path / "headless.pth"
    torch.save({"state_dict": {"linear.weight": fakezoo.state_dict["linear.weight"]}}, path)
    with pytest.warns(UserWarning) as record:
        BadInputInferencer(CFG, weights=str(path), scope="fakezoo")
    (report,) = [str(w.message) for w in record if "parameters of ToyModel" in str(w.message)]
    assert report.startswith("1 of the 2 parameters of ToyModel were not loaded")


# ----------------------------------------------------------------------------- device
@pytest.mark.parametrize(
    "device, hint",
    [("gpu", "Did you mean 'cuda'?"), ("CPU", "Did you mean 'cpu'?"), ("gpu:1", "'cuda:1'")],
)
def test_a_device_typo_fails_before_anything_is_loaded(device, hint):
    with pytest.raises(RuntimeError) as info:  # weights that do not exist: checked later
        BadInputInferencer(CFG, weights="no/such/weights.pth", device=device, scope="fakezoo")
    message = str(info.value)
    assert message.startswith("Expected one of ")  # torch's sentence
    assert f"`device={device!r}` of BadInputInferencer is not a torch device" in message
    assert hint in message


def test_an_unavailable_gpu_fails_before_anything_is_loaded():
    with pytest.raises(RuntimeError) as info:
        BadInputInferencer(CFG, weights="no/such/weights.pth", device="cuda:9", scope="fakezoo")
    assert isinstance(info.value, AssertionError)  # torch builds without CUDA raise that
    if torch.cuda.is_available():
        assert "names GPU 9, but this machine has" in str(info.value)
    else:
        assert "needs CUDA, but torch.cuda.is_available() is False" in str(info.value)


# ----------------------------------------------------------------------------- scope
def test_a_scope_that_is_not_a_string():
    with pytest.raises(AssertionError, match="scope should be a string, but got 3"):
        BadInputInferencer(CFG, weights="no/such/weights.pth", scope=3)


def test_an_unknown_scope_keeps_the_0_10_assertion():
    with pytest.raises(AssertionError) as info:
        BadInputInferencer("some_model", scope="no_such_pkg_xyz")
    assert isinstance(info.value, KeyError)
    message = str(info.value)
    assert message.startswith("no_such_pkg_xyz not in {")
    assert "!,please pass a valid scope. Importing 'no_such_pkg_xyz' failed" in message

    with pytest.raises(AssertionError) as info:
        BaseInferencer.list_models(scope="no_such_pkg_xyz")
    assert "!, please make pass a valid scope." in str(info.value)


def test_an_unlisted_package_without_metafiles(tmp_path, monkeypatch):
    (tmp_path / "barezoo").mkdir()
    (tmp_path / "barezoo" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(AssertionError) as info:
            BadInputInferencer("some_model", scope="barezoo")
        assert isinstance(info.value, FileNotFoundError)
        assert "No model index at" in str(info.value)
    finally:
        sys.modules.pop("barezoo", None)


def test_list_models_with_a_bad_pattern(fakezoo):
    with pytest.raises(re.error, match="`patterns` of BaseInferencer.list_models"):
        BaseInferencer.list_models(scope="fakezoo", patterns="(")


# ----------------------------------------------------------------------------- __call__
@pytest.mark.parametrize("batch_size", [0, -1])
def test_a_batch_size_below_one(inferencer, batch_size):
    with pytest.raises(IndexError) as info:  # 0.10: IndexError collating an empty chunk
        inferencer([np.ones(3)] * 2, batch_size=batch_size)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith(
        f"batch_size must be a positive integer, but got {batch_size}"
    )
    assert inferencer.pipeline_calls == 0  # nothing ran
    with pytest.raises(IndexError):
        next(inferencer.preprocess([np.ones(3)], batch_size=batch_size))


@pytest.mark.parametrize(
    "batch_size, hint", [(2.0, "Write batch_size=2."), ("2", "not a string"), (None, "None")]
)
def test_a_batch_size_that_is_not_an_integer(inferencer, batch_size, hint):
    with pytest.raises(TypeError) as info:  # 0.10: TypeError from range()
        inferencer([np.ones(3)] * 2, batch_size=batch_size)
    assert "`batch_size` of BadInputInferencer.__call__ must be a positive integer" in str(
        info.value
    )
    assert hint in str(info.value)
    assert inferencer.pipeline_calls == 0


def test_unknown_keyword_arguments_list_what_each_method_accepts(inferencer):
    with pytest.raises(ValueError) as info:
        inferencer(np.ones(3), shwo=True)
    message = str(info.value)
    assert message.startswith(
        "unknown argument {'shwo'} for `preprocess`, `forward`, `visualize` and `postprocess`"
    )
    assert (
        "preprocess: pre_flag; forward: fw_flag; visualize: return_vis, show; "
        "postprocess: print_result"
    ) in message
    assert "'shwo': Did you mean 'show'?" in message

    with pytest.raises(ValueError, match="Did you mean 'return_datasamples'"):
        inferencer(np.ones(3), return_datasample=True)  # an argument of __call__ itself


def test_a_failing_input_is_named(inferencer, tmp_path):
    np.save(tmp_path / "ok.npy", np.ones(3))
    inputs = [np.ones(3), str(tmp_path / "ok.npy"), "demo/missing.npy"]
    with pytest.raises(FileNotFoundError) as info:
        inferencer(inputs, batch_size=2)
    assert "The pipeline of BadInputInferencer failed on input 2 of 3: 'demo/missing.npy'" in (
        notes(info)
    )


def test_a_generator_input_is_explained(inferencer):
    with pytest.raises(TypeError) as info:
        inferencer(x for x in [np.ones(3)])
    assert "A generator or iterator is taken as ONE input" in notes(info)


def test_a_forward_failure_names_the_batch(inferencer):
    with pytest.raises(RuntimeError) as info:
        inferencer([np.ones(3), np.ones(3), np.ones(4)], batch_size=2)
    assert "BadInputInferencer.forward failed on batch 1 (batch_size=2: inputs 2 to 2 of 3)" in (
        notes(info)
    )


@pytest.mark.parametrize("kwarg", ["show", "return_vis"])
def test_visualizing_without_a_visualizer(inferencer, kwarg):
    with pytest.raises(AttributeError) as info:
        inferencer(np.ones(3), **{kwarg: True})
    assert "BadInputInferencer.visualizer is None: the config has no `visualizer`" in notes(info)
    assert f"visualization arguments ({kwarg})" in notes(info)


def test_empty_inputs_warn(inferencer, tmp_path):
    with pytest.warns(UserWarning, match="input directory .* holds no files"):
        result = inferencer(str(tmp_path))
    assert result["predictions"] == []
    with pytest.warns(UserWarning, match="got an empty list of inputs"):
        assert inferencer([])["predictions"] == []
