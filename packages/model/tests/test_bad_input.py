"""Bad input through the public API of mmengine.model: each error keeps 0.10's exception
class (and sentence, where it had one) and says what was wrong and how to fix it."""

from __future__ import annotations

import logging
import pickle
import re

import pytest
import torch
from torch import nn

from mmengine.logging import MMLogger
from mmengine.model import (
    BaseModel,
    BaseModule,
    BaseTTAModel,
    ExponentialMovingAverage,
    ImgDataPreprocessor,
    MMDistributedDataParallel,
    MMSeparateDistributedDataParallel,
    StochasticWeightAverage,
    initialize,
    stack_batch,
)
from mmengine.model.checkpoint import (
    _load_checkpoint_with_prefix,
    load_checkpoint,
    load_state_dict,
)
from mmengine.model.weight_init import bias_init_with_prob
from mmengine.optim import OptimWrapper


class Net(BaseModule):
    def __init__(self, init_cfg=None) -> None:
        super().__init__(init_cfg)
        self.conv = nn.Conv2d(3, 4, 1)
        self.fc = nn.Linear(4, 2)


@pytest.fixture
def log_records():
    """Records of the current MMLogger (where print_log(logger='current') writes)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = MMLogger.get_current_instance()
    handler = Keep(level=logging.DEBUG)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def _warnings(records) -> str:
    return "\n".join(r.getMessage() for r in records if r.levelno >= logging.WARNING)


# ---------------------------------------------------------------- init_cfg


@pytest.mark.parametrize(
    ("init_cfg", "shown"),
    [
        ("Kaiming", "str 'Kaiming'"),
        (5, "int 5"),
        ([dict(type="Constant", val=1), "Normal"], "item 1"),
    ],
)
def test_init_cfg_that_is_not_a_dict(init_cfg, shown):
    with pytest.raises(AssertionError) as info:  # 0.10: AssertionError (str) / TypeError (int)
        Net(init_cfg).init_weights()
    assert isinstance(info.value, TypeError)
    message = str(info.value)
    assert "init_cfg of Net must be a dict or a list of dict" in message
    assert shown in message and "dict(type='Kaiming', layer='Conv2d')" in message


def test_init_cfg_without_type():
    with pytest.raises(KeyError) as info:
        Net(dict(layer="Conv2d", val=1)).init_weights()
    message = str(info.value)
    assert "has no 'type'" in message and "Net" in message
    assert "Constant" in message and "Kaiming" in message  # the choices


@pytest.mark.parametrize("layer", ["Conv3d", "conv2d", ["Conv3d", "linear"]])
def test_layer_that_matches_nothing_is_reported(layer, log_records):
    net = Net(dict(type="Constant", val=1, layer=layer))
    before = net.conv.weight.detach().clone()
    net.init_weights()
    assert torch.equal(net.conv.weight, before)  # still nothing initialised, as in 0.10
    warned = _warnings(log_records)
    assert "initialized nothing" in warned
    assert "case-sensitive" in warned and "Conv2d" in warned and "Linear" in warned
    assert "Did you mean" in warned

    log_records.clear()
    Net([dict(type="Constant", val=1, layer=["Conv2d", "GroupNorm"])]).init_weights()
    # an override-only init_cfg initialises its target, not its (absent) layers
    Net(dict(type="Constant", val=2, override=dict(name="fc"))).init_weights()
    assert "initialized nothing" not in _warnings(log_records)


def test_layer_absent_from_this_module_is_quiet(log_records):
    """A shared default init_cfg naming layers this variant lacks (mmpose's HeatmapHead has no
    BatchNorm2d without deconvolutions) passes quietly, as in 0.10: no close class name."""
    Net(dict(type="Constant", val=1, layer="BatchNorm2d")).init_weights()
    assert "initialized nothing" not in _warnings(log_records)  # a DEBUG line only


def test_init_cfg_without_layer_or_override_is_reported(log_records):
    Net(dict(type="Constant", val=1)).init_weights()
    assert "neither `layer`" in _warnings(log_records)


@pytest.mark.parametrize(
    ("cfg", "error", "text"),
    [
        (dict(type="Kaiming", mode="fan_inn"), ValueError, "Mode fan_inn not supported"),
        (dict(type="Kaiming", nonlinearity="rellu"), ValueError, "Unsupported nonlinearity rellu"),
        (dict(type="Normal", std=-1), RuntimeError, "normal expects std >= 0.0"),
        (dict(type="Uniform", a=1, b=0), RuntimeError, "uniform_ expects to return a [from, to)"),
        (dict(type="TruncNormal", a=2, b=-2), RuntimeError, "must not exceed `b`"),
        (dict(type="Constant", val="1"), TypeError, "val of ConstantInit must be a number"),
        (dict(type="Xavier", distribution="unif"), AssertionError, "'uniform' or 'normal'"),
    ],
)
def test_bad_initializer_arguments_fail_when_built(cfg, error, text):
    # layer matches nothing: the arguments are checked anyway (0.10 only failed on a match)
    with pytest.raises(error, match=re.escape(text)):
        initialize(nn.Linear(2, 2), dict(cfg, layer="Conv3d"))


@pytest.mark.parametrize(
    ("name", "where"), [("fcc", "are ['conv', 'fc']"), ("fc.lin", "in Linear")]
)
def test_override_of_a_missing_sub_module(name, where):
    cfg = dict(
        type="Constant", val=1, layer="Conv2d", override=dict(name=name, type="Constant", val=2)
    )
    with pytest.raises(RuntimeError) as info:
        Net(cfg).init_weights()
    message = str(info.value)
    assert message.startswith(f"module Net did not have attribute {name}, but init_cfg is")
    assert where in message


def test_error_while_initializing_names_the_init_cfg():
    with pytest.raises(FileNotFoundError) as info:
        Net(dict(type="Pretrained", checkpoint="/nonexistent/x.pth")).init_weights()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "init_cfg {'type': 'Pretrained', 'checkpoint': '/nonexistent/x.pth'}" in notes
    assert "to Net" in notes


@pytest.mark.parametrize("prob", [0.0, 1.0, 1.5, -0.1])
def test_bias_prob_out_of_range(prob):
    with pytest.raises(ValueError, match="between 0 and 1") as info:
        initialize(nn.Linear(2, 2), dict(type="Normal", bias_prob=prob, layer="Linear"))
    assert isinstance(info.value, ZeroDivisionError)  # 0.10's class for 0
    with pytest.raises(ValueError, match="between 0 and 1"):
        bias_init_with_prob(prob)


def test_pretrained_prefix_that_matches_no_key(tmp_path):
    path = tmp_path / "c.pth"
    torch.save({"state_dict": Net().state_dict()}, path)
    with pytest.raises(AssertionError) as info:
        _load_checkpoint_with_prefix("backbone", str(path))
    message = str(info.value)
    assert message.startswith(f"backbone. is not in the pretrained model {path}")
    assert "'conv.', 'fc.'" in message


# ---------------------------------------------------------------- state dicts


@pytest.mark.parametrize("state_dict", [None, nn.Linear(2, 2), [1, 2]])
def test_load_state_dict_of_a_non_mapping(state_dict):
    with pytest.raises(AttributeError) as info:  # 0.10: AttributeError ... 'copy'
        load_state_dict(Net(), state_dict)
    assert isinstance(info.value, TypeError)
    assert "has no attribute 'copy'" in str(info.value)
    assert "model.state_dict()" in str(info.value)


@pytest.mark.parametrize("value", [None, [1, 2]])
def test_checkpoint_whose_state_dict_is_not_a_mapping(tmp_path, value):
    path = tmp_path / "c.pth"
    torch.save({"state_dict": value}, path)
    with pytest.raises(AttributeError, match="checkpoint\\['state_dict'\\] must be a state dict"):
        load_checkpoint(Net(), str(path))


@pytest.mark.parametrize(
    ("source_prefix", "hint"),
    [("backbone.", "revise_keys=[(r'^backbone\\.', '')]"), ("", "revise_keys=[(r'^', 'net.')]")],
)
def test_nothing_loaded_suggests_the_prefix(source_prefix, hint):
    target = Net()
    if not source_prefix:  # the model nests the network the source holds
        target = nn.Sequential()
        target.add_module("net", Net())
    source = {source_prefix + k: v for k, v in Net().state_dict().items()}
    with pytest.raises(RuntimeError) as info:
        load_state_dict(target, source, strict=True)
    message = str(info.value)
    assert message.startswith("The model and loaded state dict do not match exactly")
    assert "Nothing was loaded" in message and hint in message

    # a partial match is reported as before, without that line
    source = Net().state_dict()
    source.pop("fc.bias")
    with pytest.raises(RuntimeError) as info:
        load_state_dict(Net(), dict(source, extra=torch.zeros(1)), strict=True)
    assert "Nothing was loaded" not in str(info.value)


@pytest.fixture
def checkpoint_file(tmp_path):
    path = tmp_path / "c.pth"
    torch.save({"state_dict": Net().state_dict()}, path)
    return str(path)


@pytest.mark.parametrize(
    ("revise_keys", "error", "text"),
    [
        ((r"^module\.", ""), ValueError, "one pair without its list"),
        (r"^module\.", ValueError, "but got str"),
        ([(r"^module\.", "", 1)], ValueError, "item 0 is"),
        (None, TypeError, "Pass [] to keep the keys"),
        ([("(module", "")], re.error, "is not a valid regular expression"),
        ([(r"^(conv)", r"\2")], re.error, "invalid group reference 2"),
    ],
)
def test_bad_revise_keys(checkpoint_file, revise_keys, error, text):
    with pytest.raises(error) as info:
        load_checkpoint(Net(), checkpoint_file, revise_keys=revise_keys)
    assert text in str(info.value)
    assert "revise_keys" in str(info.value)


def test_revise_keys_are_checked_before_rewriting(checkpoint_file):
    net = Net()
    load_checkpoint(net, checkpoint_file, revise_keys=[(r"^fc\.", "fc."), (r"^conv", "conv")])
    assert torch.equal(net.fc.weight, torch.load(checkpoint_file)["state_dict"]["fc.weight"])
    # every pair is checked, not only the first
    with pytest.raises(ValueError, match="item 1 is"):
        load_checkpoint(Net(), checkpoint_file, revise_keys=[(r"^x", "y"), r"^fc"])


def test_unknown_uri_scheme_is_file_not_found():
    with pytest.raises(FileNotFoundError) as info:
        load_checkpoint(Net(), "foo://bucket/c.pth")
    assert str(info.value).startswith("foo://bucket/c.pth can not be found.")
    assert "foo://" in str(info.value).split("found.", 1)[1]


def test_garbage_bytes_that_hit_a_missing_memo_entry(tmp_path):
    path = tmp_path / "g.pth"
    path.write_bytes(b"hello")
    # torch's weights_only unpickler: a bare KeyError(101); the pure-Python restricted
    # unpickler (torch < 2.5): UnpicklingError("Memo value not found at index 101")
    with pytest.raises((KeyError, pickle.UnpicklingError)) as info:
        load_checkpoint(Net(), str(path))
    assert "not a PyTorch checkpoint" in str(info.value) and str(path) in str(info.value)


# ---------------------------------------------------------------- train_step


class LossModel(BaseModel):
    def __init__(self, losses=None) -> None:
        super().__init__()
        self.fc = nn.Linear(2, 1)
        self.losses = losses

    def forward(self, inputs, data_samples=None, mode="tensor"):
        out = self.fc(inputs).mean()
        if mode == "loss":
            return self.losses(out)
        return [out]


def _wrapper(model):
    return OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))


@pytest.mark.parametrize(
    ("losses", "text"),
    [
        (lambda out: dict(acc=out), "returned none (keys: ['acc'])"),
        (lambda out: dict(), "returned none (keys: [])"),
        (lambda out: dict(loss_cls=[]), "the values of ['loss_cls'] are empty lists"),
    ],
)
def test_train_step_without_a_loss(losses, text):
    model = LossModel(losses)
    with pytest.raises(AttributeError) as info:  # 0.10: "'float' object has no attribute ..."
        model.train_step(dict(inputs=torch.ones(3, 2)), _wrapper(model))
    message = str(info.value)
    assert "object has no attribute 'backward'" in message
    assert text in message and "key containing 'loss'" in message
    # parse_losses itself still returns 0 for losses without a loss, as in 0.10
    if not isinstance(losses(torch.ones(())), dict) or "acc" in losses(torch.ones(())):
        assert model.parse_losses(dict(acc=torch.ones(())))[0] == 0


@pytest.mark.parametrize("optim_wrapper", [None, "optimizer"])
def test_train_step_with_something_else_than_an_optim_wrapper(optim_wrapper):
    model = LossModel(lambda out: dict(loss=out))
    if optim_wrapper == "optimizer":
        optim_wrapper = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(AttributeError) as info:
        model.train_step(dict(inputs=torch.ones(3, 2)), optim_wrapper)
    message = str(info.value)
    assert "object has no attribute 'optim_context'" in message
    assert "needs an optimizer wrapper" in message
    if optim_wrapper is not None:
        assert "OptimWrapper(optimizer=optimizer)" in message

    # an AttributeError of the model's own is not reworded
    def broken(out):
        return out.no_such_attribute

    model.losses = broken
    with pytest.raises(AttributeError, match="no_such_attribute") as info:
        model.train_step(dict(inputs=torch.ones(3, 2)), _wrapper(model))
    assert "optimizer wrapper" not in str(info.value)


# ---------------------------------------------------------------- wrappers


@pytest.mark.parametrize("wrapper", [MMDistributedDataParallel, MMSeparateDistributedDataParallel])
def test_distributed_wrapper_without_a_process_group(wrapper):
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        pytest.skip("a process group is initialized")
    model = LossModel()
    with pytest.raises(ValueError) as info:
        wrapper(model)
    message = str(info.value)
    assert message.startswith("Default process group has not been initialized")
    assert wrapper.__name__ in message and "launcher='none'" in message
    assert isinstance(model.fc, nn.Linear)  # the model is left as it was


# ---------------------------------------------------------------- averaged models


@pytest.mark.parametrize("interval", [0, -1])
def test_averaging_interval_below_one(interval):
    with pytest.raises(RuntimeError, match="must be a positive integer") as info:
        ExponentialMovingAverage(nn.Linear(2, 2), interval=interval)
    assert isinstance(info.value, ValueError)  # 0.10: RuntimeError at the second update


@pytest.mark.parametrize("momentum", ["0.1", None])
def test_ema_momentum_that_is_not_a_number(momentum):
    with pytest.raises(TypeError, match=r"momentum must be in range \(0.0, 1.0\)"):
        ExponentialMovingAverage(nn.Linear(2, 2), momentum=momentum)


@pytest.mark.parametrize("momentum", [0, 1, 1.5, -0.1])
def test_ema_momentum_out_of_range_explains_it(momentum):
    with pytest.raises(AssertionError, match="usually small"):
        ExponentialMovingAverage(nn.Linear(2, 2), momentum=momentum)


@pytest.mark.parametrize("model", [None, dict(type="ToyModel")])
def test_averaging_something_else_than_a_module(model):
    with pytest.raises(AttributeError) as info:  # 0.10: ... no attribute 'requires_grad_'
        StochasticWeightAverage(model)
    assert isinstance(info.value, TypeError)
    assert "averages an nn.Module" in str(info.value)


def test_averaging_a_model_of_other_shapes():
    ema = ExponentialMovingAverage(nn.Linear(2, 2))
    with pytest.raises(RuntimeError) as info:  # the first update copies
        ema.update_parameters(nn.Linear(3, 3))
    assert "weight: averaged (2, 2), source (3, 3)" in str(info.value)
    ema.update_parameters(nn.Linear(2, 2))
    with pytest.raises(RuntimeError) as info:  # later ones average
        ema.update_parameters(nn.Linear(2, 3))
    assert "weight: averaged (2, 2), source (3, 2)" in str(info.value)


# ---------------------------------------------------------------- test-time augmentation


class MergeFirst(BaseTTAModel):
    def merge_preds(self, data_samples_list):
        return [samples[0] for samples in data_samples_list]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({}, "the batch is an empty dict"),
        ([], "the batch is an empty list"),
        (
            dict(inputs=[torch.ones(1, 2), torch.ones(1, 2)], data_samples=[[None]]),
            "{'inputs': 2, 'data_samples': 1}",
        ),
    ],
)
def test_tta_batch_that_is_not_one_list_per_augmentation(data, text):
    with pytest.raises(IndexError) as info:  # 0.10: IndexError, StopIteration for {}
        MergeFirst(LossModel()).test_step(data)
    assert text in str(info.value) and "one entry per augmentation" in str(info.value)


def test_tta_forward_is_not_implemented():
    with pytest.raises(NotImplementedError, match="Please call `test_step` instead"):
        MergeFirst(LossModel())(torch.ones(1, 2))


def test_tta_data_preprocessor_ignored_for_a_built_module(log_records):
    model = LossModel()
    MergeFirst(model, data_preprocessor=dict(type="ImgDataPreprocessor"))
    assert type(model.data_preprocessor).__name__ == "BaseDataPreprocessor"
    assert "is ignored because module is an already built LossModel" in _warnings(log_records)


# ---------------------------------------------------------------- data preprocessors


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        (dict(mean=127.5, std=57.0), TypeError, "write e.g. mean=[127.5]"),
        (dict(mean="123", std="456"), TypeError, "got the string '123'"),
        (dict(mean=[1, 2, "3"], std=[1, 2, 3]), TypeError, "must hold numbers"),
        (dict(mean=[0, 0, 0], std=[1, 0, 1]), ValueError, "must not contain 0"),
        (dict(pad_size_divisor=0), ZeroDivisionError, "must be a positive integer"),
        (dict(pad_size_divisor=-32), ValueError, "must be a positive integer"),
        (dict(pad_size_divisor=32.5), ValueError, "must be a positive integer"),
        (dict(pad_size_divisor="32"), TypeError, "must be a positive integer"),
    ],
)
def test_img_data_preprocessor_bad_arguments(kwargs, error, text):
    with pytest.raises(error, match=re.escape(text)):
        ImgDataPreprocessor(**kwargs)


def test_img_data_preprocessor_without_inputs():
    with pytest.raises(KeyError) as info:  # 0.10: KeyError('inputs')
        ImgDataPreprocessor()(dict(img=[torch.zeros(3, 4, 4)]))
    assert str(info.value).startswith("'inputs'") and "['img']" in str(info.value)


@pytest.mark.parametrize("batched", [False, True])
def test_channel_conversion_of_images_without_three_channels(batched):
    def run(image):
        inputs = image[None] if batched else [image]
        return ImgDataPreprocessor(bgr_to_rgb=True)(dict(inputs=inputs))["inputs"]

    gray = torch.arange(12.0).view(1, 3, 4)
    assert torch.equal(run(gray)[0], gray)  # a gray image is its own conversion
    with pytest.raises(IndexError, match=r"swaps the first and third channels") as info:
        run(torch.zeros(2, 3, 4))
    assert "2, 3, 4)" in str(info.value) and "bgr_to_rgb=False" in str(info.value)


def test_channels_last_batch_is_explained():
    preprocessor = ImgDataPreprocessor(mean=[1, 2, 3], std=[1, 2, 3])
    with pytest.raises(RuntimeError, match=r"got inputs of shape \(1, 5, 6, 3\)"):
        preprocessor(dict(inputs=torch.zeros(1, 5, 6, 3)))
    with pytest.raises(AssertionError, match=r"channels come first"):
        preprocessor(dict(inputs=[torch.zeros(5, 6, 3)]))


def test_inputs_that_are_not_tensors_are_named_not_dumped():
    import numpy as np

    with pytest.raises(TypeError) as info:
        ImgDataPreprocessor()(dict(inputs=[np.zeros((3, 64, 64))]))
    message = str(info.value)
    assert "item 0 is a numpy.ndarray" in message and len(message) < 400


# ---------------------------------------------------------------- stack_batch


def test_stack_batch_with_different_first_dims():
    with pytest.raises(RuntimeError) as info:
        stack_batch([torch.zeros(3, 4, 4), torch.zeros(3, 2, 2), torch.zeros(1, 4, 4)])
    message = str(info.value)
    assert "stack expects each tensor to be equal size" in message  # torch's sentence first
    assert "tensor 2 (1, 4, 4)" in message and "same number of channels" in message


def test_stack_batch_of_arrays():
    import numpy as np

    with pytest.raises(AttributeError) as info:  # 0.10: no attribute 'dim'
        stack_batch([torch.zeros(3, 2, 2), np.zeros((3, 2, 2))])
    assert isinstance(info.value, TypeError)
    assert "item 1 is a numpy.ndarray" in str(info.value)


def test_stack_batch_of_scalars():
    with pytest.raises(IndexError, match="0-dim tensors"):
        stack_batch([torch.tensor(1.0), torch.tensor(2.0)])


def test_checkpoint_path_that_is_a_directory(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_checkpoint(Net(), str(tmp_path))
    assert str(info.value).startswith(f"{tmp_path} can not be found. It is a directory")


@pytest.mark.parametrize("model", [None, dict(type="Net")])
def test_loading_into_something_else_than_a_module(checkpoint_file, model):
    with pytest.raises(AttributeError) as info:  # 0.10: ... '_load_from_state_dict'
        load_checkpoint(model, checkpoint_file)
    assert "loaded into an nn.Module" in str(info.value)


def test_checkpoint_saved_on_a_device_this_machine_lacks(checkpoint_file, monkeypatch):
    def load(*args, **kwargs):
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
            "is False. If you are running on a CPU-only machine, please use torch.load with "
            "map_location=torch.device('cpu') to map your storages to the CPU."
        )

    monkeypatch.setattr(torch, "load", load)
    with pytest.raises(RuntimeError) as info:
        load_checkpoint(Net(), checkpoint_file, map_location="cuda")
    message = str(info.value)
    assert "Pass map_location='cpu'" in message and "truncated" not in message


# ------------------------------------------- a data batch that forward cannot take
class _Head(nn.Module):
    def forward(self, x):
        return x


class _KeyedModel(BaseModel):
    def __init__(self, inner_error: bool = False) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)
        self.head = _Head()
        self.inner_error = inner_error

    def forward(self, inputs, data_samples=None, mode="tensor"):
        if self.inner_error:
            self.head(inputs, 3)  # a TypeError of another module's forward
        return dict(loss=self.linear(torch.stack(inputs)).sum())


def _notes(err: BaseException) -> str:
    return "\n".join(getattr(err, "__notes__", []))


def test_a_data_batch_whose_keys_forward_does_not_take_is_explained():
    """0.10: "forward() got an unexpected keyword argument 'img'", nothing more."""
    model = _KeyedModel()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(TypeError, match="unexpected keyword argument 'img'") as info:
        model.train_step(dict(img=[torch.ones(2)], label=[1]), wrapper)
    assert "_KeyedModel.forward(inputs, data_samples, mode) was called with the keys " in (
        _notes(info.value)
    )
    assert "['img', 'label']" in _notes(info.value)


def test_a_type_error_inside_forward_gets_no_such_note():
    model = _KeyedModel(inner_error=True)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(TypeError, match="_Head.forward()") as info:
        model.train_step(dict(inputs=[torch.ones(2)]), wrapper)
    assert "was called with the keys" not in _notes(info.value)
