"""Runner behaviours of mmengine 0.10.7 that downstream code relies on (compat R1-R10, P1, P2,
K1, A2, M3). Exact strings were recorded by running the same scripts on 0.10.7.
"""

from __future__ import annotations

import copy
import glob
import importlib
import os.path as osp
import re
from unittest import mock

import pytest
import torch
from torch import nn

from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmengine.registry import MODELS
from mmengine.runner import Runner
from mmengine.testing import RunnerTestCase


def _log_text(runner: Runner) -> str:
    for handler in runner.logger.handlers:
        handler.flush()
    (path,) = glob.glob(osp.join(runner.log_dir, "*.log"))
    with open(path) as f:
        return f.read()


def _messages(text: str) -> str:
    """The log text without the ``date time - name - LEVEL - `` prefixes."""
    return "\n".join(line.split(" - ", 3)[-1] for line in text.splitlines())


class DropoutModel(BaseModel):
    """A model whose construction and forward both draw from torch's generator."""

    def __init__(self) -> None:
        super().__init__()
        self.linear1 = nn.Linear(2, 4)
        self.drop = nn.Dropout(0.5)
        self.linear2 = nn.Linear(4, 1)

    def init_weights(self) -> None:
        nn.init.normal_(self.linear1.weight)

    def forward(self, inputs, data_samples=None, mode="tensor"):  # noqa: ANN001
        x = torch.stack(inputs) if isinstance(inputs, list) else inputs
        out = self.linear2(self.drop(self.linear1(x)))
        if mode == "loss":
            return dict(loss=out.pow(2).mean())
        return out


class SyncBNModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.bn = nn.SyncBatchNorm(2)
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode="tensor"):  # noqa: ANN001
        x = torch.stack(inputs) if isinstance(inputs, list) else inputs
        out = self.linear(self.bn(x))
        return dict(loss=out.sum()) if mode == "loss" else out


class NoValStep(nn.Module):
    """A model with ``train_step`` but no ``val_step``."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def train_step(self, data, optim_wrapper):  # noqa: ANN001
        return {}


class TestRunnerCompat(RunnerTestCase):
    def setUp(self) -> None:
        super().setUp()
        MODELS.register_module(module=DropoutModel, force=True)
        MODELS.register_module(module=SyncBNModel, force=True)

    def tearDown(self) -> None:
        MODELS.module_dict.pop("DropoutModel", None)
        MODELS.module_dict.pop("SyncBNModel", None)
        super().tearDown()

    # ---------------------------------------------------------------- R1
    def test_num_batch_per_epoch_cuts_the_dataset(self) -> None:
        cfg = dict(
            dataset=dict(type="ToyDataset"),
            sampler=dict(type="DefaultSampler", shuffle=False),
            batch_size=4,
            num_batch_per_epoch=2,
        )
        dataloader = Runner.build_dataloader(cfg)
        assert len(dataloader.dataset) == 8 and len(dataloader) == 2
        assert dataloader.dataset.metainfo == {}  # other attributes are the dataset's
        assert "num_batch_per_epoch" in cfg  # the caller's config is left alone

        run_cfg = copy.deepcopy(self.epoch_based_cfg)
        run_cfg.val_dataloader.num_batch_per_epoch = 2
        runner = self.build_runner(run_cfg)
        seen = []
        runner.register_hook(_BatchCounter(seen))
        runner.val()
        assert seen == [0, 1]  # a val run does exactly 2 iterations

    # ---------------------------------------------------------------- R2
    def test_configs_wait_in_the_attributes_until_built(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.param_scheduler = dict(type="MultiStepLR", milestones=[1])
        runner = self.build_runner(cfg)
        assert runner.optim_wrapper == dict(optimizer=dict(type="SGD", lr=0.1))
        assert runner.param_schedulers == dict(type="MultiStepLR", milestones=[1])
        assert runner._train_loop == dict(by_epoch=True, max_epochs=2, val_interval=1)
        assert runner._val_loop == {} and runner._test_loop == {}
        with pytest.raises(
            AssertionError,
            match="^`build_optimizer` should be called before`build_param_scheduler` because "
            "the latter depends on the former",
        ):
            runner.build_param_scheduler(dict(type="MultiStepLR", milestones=[1]))

        runner.train()
        assert isinstance(runner.optim_wrapper, OptimWrapper)
        assert isinstance(runner.param_schedulers, list)
        assert isinstance(runner._test_loop, dict)  # train() builds no test data

        runner = self.build_runner(copy.deepcopy(self.epoch_based_cfg))
        runner.val()
        assert isinstance(runner._train_loop, dict)  # val() builds no training data

        bare = Runner(model=self._model(), work_dir=self.temp_dir.name)
        assert bare._train_loop is None and bare._val_loop is None and bare.optim_wrapper is None

    def _model(self) -> nn.Module:
        return MODELS.build(dict(type="ToyModel"))

    # ---------------------------------------------------------------- R4
    def test_build_message_hub_validates_its_argument(self) -> None:
        runner = self.build_runner(copy.deepcopy(self.epoch_based_cfg))
        assert runner.build_message_hub().instance_name == runner.experiment_name
        assert runner.build_message_hub(dict()).instance_name == runner.experiment_name
        for bad in ("invalid-type", []):
            with pytest.raises(TypeError) as info:
                runner.build_message_hub(bad)
            assert str(info.value).startswith(f"message_hub should be dict or None, but got {bad}")

    # ---------------------------------------------------------------- R5, R6
    def test_broken_preconditions_use_upstream_classes_and_sentences(self) -> None:
        runner = self.build_runner(copy.deepcopy(self.epoch_based_cfg))
        with pytest.raises(AssertionError, match="^Lack of `base_batch_size` in `auto_scale_lr`."):
            runner.scale_lr(runner.optim_wrapper, dict(enable=True))

        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.model = NoValStep()
        with pytest.raises(
            AssertionError,
            match="^If you want to validate your model, please make sure your model has "
            "implemented `val_step`.",
        ):
            self.build_runner(cfg).train()

        with pytest.raises(
            ValueError,
            match=r"^param_scheduler should be None when optim_wrapper is None, but got "
            r"\{'type': 'MultiStepLR', 'milestones': \[1\]\}",
        ):
            Runner(
                model=self._model(),
                work_dir=self.temp_dir.name,
                param_scheduler=dict(type="MultiStepLR", milestones=[1]),
            )
        # a fractional loop length: 0.10's AssertionError and sentence (recorded on 0.10.7)
        for train_cfg, sentence in (
            (dict(by_epoch=True, max_epochs=1.5), "`max_epochs` should be a integer number, but get 1.5."),
            (dict(by_epoch=False, max_iters=2.5), "`max_iters` should be a integer number, but get 2.5"),
            # 0.10 trains 0 times; a negative length is refused here
            (dict(by_epoch=True, max_epochs=-1), "`max_epochs` should not be negative, but get -1."),
            (dict(by_epoch=False, max_iters=-5), "`max_iters` should not be negative, but get -5."),
        ):  # fmt: skip
            cfg = copy.deepcopy(self.epoch_based_cfg)
            cfg.train_cfg = train_cfg
            cfg.experiment_name = f"fraction_{len(sentence)}"
            with pytest.raises(AssertionError) as info:
                self.build_runner(cfg).train()
            assert str(info.value).startswith(sentence) and "train_cfg." in str(info.value)
            assert isinstance(info.value, ValueError)
        bare = Runner(model=self._model(), work_dir=self.temp_dir.name, experiment_name="bare")
        with pytest.raises(RuntimeError) as info:
            bare.val()
        assert str(info.value).startswith(
            "`self._val_loop` should not be None when calling val method.Please provide "
            "`val_dataloader`, `val_cfg` and `val_evaluator` arguments when initializing runner."
        )
        with pytest.raises(RuntimeError) as info:
            bare.test()
        assert str(info.value).startswith(
            "`self._test_loop` should not be None when calling test method. Please provide "
            "`test_dataloader`, `test_cfg` and `test_evaluator` arguments when initializing "
            "runner."
        )
        wrapper = OptimWrapper(torch.optim.SGD(self._model().parameters(), lr=0.1))
        item = dict(type="OptimWrapper", optimizer=dict(type="SGD", lr=0.1))
        with pytest.raises(ValueError) as info:
            runner.build_optim_wrapper(dict(key1=wrapper, key2=item))
        assert str(info.value).startswith(
            'each item mush be an optimizer object when "type" and "constructor" are not in '
            f"optimizer, but got key2={item}"
        )
        with pytest.raises(ValueError) as info:
            Runner(model=self._model(), work_dir=self.temp_dir.name, val_cfg=dict())
        assert str(info.value).startswith(
            "val_dataloader, val_cfg, and val_evaluator should be either all None or not None, "
            "but got val_dataloader=None, val_cfg={}, val_evaluator=None"
        )

    def test_environment_block_has_upstreams_layout(self) -> None:
        """The block at the top of a run's log, key by key as 0.10 writes it."""
        runner = Runner(
            model=self._model(),
            work_dir=self.temp_dir.name,
            experiment_name="envblock",
            env_cfg=dict(cudnn_benchmark=False, dist_cfg=dict(backend="gloo")),
            randomness=dict(seed=5, deterministic=False),
        )
        text = _messages(_log_text(runner))
        sep = "-" * 60
        block = text[text.index(sep) : text.index(sep, text.index(sep) + 1) + len(sep)]
        system, runtime = block.split("\nSystem environment:\n")[1].split(
            "\n\nRuntime environment:\n"
        )
        # Top-level entries are indented by four spaces (the compile details' lines by two).
        keys = re.findall(r"^    (\S[^:\n]*):", system, re.M)
        assert keys[:5] == [
            "sys.platform", "Python", "CUDA available", "MUSA available", "numpy_random_seed"
        ]  # fmt: skip
        assert keys.index("GCC") < keys.index("PyTorch") < keys.index("PyTorch compiling details")
        assert keys[-1] == "MMEngine"
        assert "    numpy_random_seed: 5\n" in system
        assert runtime.splitlines()[:-1] == [
            "    cudnn_benchmark: False",
            "    dist_cfg: {'backend': 'gloo'}",
            "    seed: 5",
            "    deterministic: False",
            "    Distributed launcher: none",
            "    Distributed training: False",
            "    GPU number: 1",
        ]

    # ---------------------------------------------------------------- R7, M3
    def test_log_holds_config_syncbn_line_and_hook_table_in_order(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        runner = self.build_runner(cfg)
        text = _messages(_log_text(runner))
        config_at = text.index("Config:\n" + runner.cfg.pretty_text + "\n")
        syncbn = (
            "Distributed training is not used, all SyncBatchNorm (SyncBN) layers in the model "
            "will be automatically reverted to BatchNormXd layers if they are used."
        )
        syncbn_at = text.index(syncbn)
        table = (
            "Hooks will be executed in the following order:\n"
            "before_run:\n"
            "(VERY_HIGH   ) RuntimeInfoHook                    \n"
            "(BELOW_NORMAL) LoggerHook                         \n"
            " -------------------- \n"
            "before_train:\n"
            "(VERY_HIGH   ) RuntimeInfoHook                    \n"
            "(NORMAL      ) IterTimerHook                      \n"
            "(VERY_LOW    ) CheckpointHook                     \n"
            " -------------------- \n"
            "before_train_epoch:\n"
            "(VERY_HIGH   ) RuntimeInfoHook                    \n"
            "(NORMAL      ) IterTimerHook                      \n"
            "(NORMAL      ) DistSamplerSeedHook                \n"
            " -------------------- \n"
        )
        table_at = text.index(table)
        assert config_at < syncbn_at < table_at
        assert text.index("System environment") < config_at
        assert (
            "after_run:\n(BELOW_NORMAL) LoggerHook                         \n -------------------- "
            in text
        )

        no_cfg = Runner(model=self._model(), work_dir=self.temp_dir.name, experiment_name="nocfg")
        assert "Config:" not in _messages(_log_text(no_cfg))

    def test_syncbn_is_reverted_when_not_distributed(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.model = dict(type="SyncBNModel")
        runner = self.build_runner(cfg)
        assert not any(isinstance(m, nn.SyncBatchNorm) for m in runner.model.modules())
        assert type(runner.model.bn).__name__ == "_BatchNormXd"

    # ---------------------------------------------------------------- R8
    def test_default_scope_none(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.default_scope = None
        runner = self.build_runner(cfg)
        assert runner.default_scope is None

    # ---------------------------------------------------------------- R9
    def test_activation_checkpointing_key_wraps_the_named_modules(self) -> None:
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.activation_checkpointing = "linear1"
        cfg.train_cfg.max_epochs = 1
        runner = self.build_runner(cfg)
        runner.train()
        assert "forward" in vars(runner.model.linear1)  # replaced on the instance
        assert "forward" not in vars(runner.model.linear2)
        assert (
            'Enabling the "activation_checkpointing" feature for sub-modules: linear1'
            in _messages(_log_text(runner))
        )

    # ---------------------------------------------------------------- P1
    def test_iteration_based_weights_follow_upstreams_draw_order(self) -> None:
        cfg = copy.deepcopy(self.iter_based_cfg)
        cfg.model = dict(type="DropoutModel")
        cfg.randomness = dict(seed=7)
        cfg.train_cfg.max_iters = 1
        runner = self.build_runner(cfg)
        seen = {}
        runner.register_hook(_WeightsAtBeforeTrain(seen))
        # the loop's iterator exists right after construction
        assert runner.train_loop.dataloader_iterator is not None
        runner.train()

        torch.manual_seed(7)
        model = DropoutModel()
        iter(Runner.build_dataloader(cfg.train_dataloader, seed=7))
        model.init_weights()
        expected = model.state_dict()
        for name, value in expected.items():
            assert torch.equal(seen[name], value), name

    # ---------------------------------------------------------------- P2
    def test_restarting_a_finite_dataloader_warns(self) -> None:
        cfg = copy.deepcopy(self.iter_based_cfg)
        cfg.train_dataloader.sampler = dict(type="DefaultSampler", shuffle=True)
        cfg.train_cfg.max_iters = 5  # 4 batches per epoch
        runner = self.build_runner(cfg)
        runner.train()
        assert (
            "Reach the end of the dataloader, it will be restarted and continue to iterate. It "
            "is recommended to use `mmengine.dataset.InfiniteSampler` to enable the dataloader "
            "to iterate infinitely." in _log_text(runner)
        )


class _BatchCounter(Hook):
    def __init__(self, seen: list) -> None:
        self.seen = seen

    def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:  # noqa: ANN001
        self.seen.append(batch_idx)


class _WeightsAtBeforeTrain(Hook):
    def __init__(self, seen: dict) -> None:
        self.seen = seen

    def before_train(self, runner) -> None:  # noqa: ANN001
        for name, value in runner.model.state_dict().items():
            self.seen[name] = value.clone()


def test_runner_without_cfg_dumps_an_empty_timestamp_config(tmp_path) -> None:
    """0.10 writes ``<timestamp>.py`` (one newline) into the work dir even without a cfg."""
    runner = Runner(model=DropoutModel(), work_dir=str(tmp_path), log_level="WARNING")
    dumped = tmp_path / f"{runner.timestamp}.py"
    assert dumped.read_text() == "\n"


def test_runner_checkpoint_is_the_implementation_module() -> None:
    import mmengine.model.checkpoint as implementation
    import mmengine.runner.checkpoint as checkpoint

    assert checkpoint is implementation
    model = nn.Linear(2, 2)
    with mock.patch(
        "mmengine.runner.checkpoint._load_checkpoint", side_effect=RuntimeError("patched")
    ):
        with pytest.raises(RuntimeError, match="patched"):
            checkpoint.load_checkpoint(model, "anything.pth")
    assert checkpoint.print_log is implementation.print_log


def test_turn_on_activation_checkpointing_keeps_outputs_and_gradients() -> None:
    from mmengine.runner import turn_on_activation_checkpointing
    from mmengine.runner.activation_checkpointing import (
        turn_on_activation_checkpointing as same,
    )

    assert same is turn_on_activation_checkpointing
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 4), nn.ReLU()))
    reference = copy.deepcopy(model)
    turn_on_activation_checkpointing(model, ["0", "2.0"])
    x = torch.randn(5, 3, requires_grad=True)
    x_ref = x.detach().clone().requires_grad_(True)
    out, out_ref = model(x), reference(x_ref)
    assert torch.equal(out, out_ref)
    out.sum().backward()
    out_ref.sum().backward()
    assert torch.allclose(x.grad, x_ref.grad, atol=1e-3)
    for p, q in zip(model.parameters(), reference.parameters()):
        assert torch.allclose(p.grad, q.grad, atol=1e-3)
    with pytest.raises(AttributeError):
        turn_on_activation_checkpointing(model, "missing")


def test_activation_checkpointing_gives_gradients_when_the_input_needs_none() -> None:
    # docs/migration.md: the data fed to the first layer does not require grad; 0.10's
    # reentrant checkpoint left that layer without weight gradients, and with every layer
    # checkpointed its backward() raised. Here the gradients are those without checkpointing.
    from mmengine.runner import turn_on_activation_checkpointing

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    reference = copy.deepcopy(model)
    turn_on_activation_checkpointing(model, ["0", "1", "2"])
    x = torch.randn(5, 3)
    model(x).sum().backward()
    reference(x).sum().backward()
    for p, q in zip(model.parameters(), reference.parameters()):
        assert p.grad is not None
        assert torch.allclose(p.grad, q.grad, atol=1e-6)


# Names 0.10.7 makes importable at these module paths (code imports or patches them there).
_UPSTREAM_NAMES = {
    "mmengine.runner": ("turn_on_activation_checkpointing",),
    "mmengine.runner.amp": (
        "TORCH_VERSION",
        "digit_version",
        "is_cuda_available",
        "is_mlu_available",
        "is_npu_available",
    ),
    "mmengine.runner.checkpoint": (
        "BaseTTAModel",
        "DEFAULT_CACHE_DIR",
        "ENV_MMENGINE_HOME",
        "ENV_XDG_CACHE_HOME",
        "FileClient",
        "apply_to",
        "deprecated_function",
        "digit_version",
        "get_dist_info",
        "get_file_backend",
        "is_model_wrapper",
        "load_file",
        "mkdir_or_exist",
        "print_log",
    ),
    "mmengine.runner.log_processor": (
        "get_max_musa_memory",
        "is_musa_available",
    ),
    "mmengine.runner.runner": (
        "FileClient",
        "MMDistributedDataParallel",
        "apply_to",
        "collect_env",
        "convert_sync_batchnorm",
        "get_device",
        "get_world_size",
        "is_seq_of",
        "turn_on_activation_checkpointing",
        "turn_on_efficient_conv_bn_eval",
    ),
    "mmengine.runner.utils": (
        "TORCH_VERSION",
        "calc_dynamic_intervals",
        "digit_version",
        "is_cuda_available",
        "is_list_of",
        "is_musa_available",
    ),
    "mmengine.runner._flexible_runner": (
        "BaseLoop",
        "Config",
        "ConfigDict",
        "DATASETS",
        "DATA_SAMPLERS",
        "DefaultScope",
        "EVALUATOR",
        "EpochBasedTrainLoop",
        "Evaluator",
        "FUNCTIONS",
        "FileClient",
        "HOOKS",
        "Hook",
        "IterBasedTrainLoop",
        "LOG_PROCESSORS",
        "LOOPS",
        "LogProcessor",
        "MessageHub",
        "OptimWrapper",
        "OptimWrapperDict",
        "Priority",
        "TORCH_VERSION",
        "TestLoop",
        "VISUALIZERS",
        "ValLoop",
        "Visualizer",
        "default_worker_init_fn",
        "digit_version",
        "find_latest_checkpoint",
        "get_priority",
        "get_rank",
        "infer_launcher",
        "join_path",
        "master_only",
        "print_log",
    ),
}


@pytest.mark.parametrize("module", sorted(_UPSTREAM_NAMES))
def test_upstream_module_level_names_exist(module: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in _UPSTREAM_NAMES[module] if not hasattr(imported, name)]
    assert not missing, f"{module} lacks {missing}"


def test_importing_the_packages_creates_no_logger() -> None:
    """As in 0.10, imports create no MMLogger instance, so a later
    ``MMLogger.get_instance('mmengine', log_level=...)`` takes effect as given."""
    import subprocess
    import sys

    code = (
        "import mmengine.runner, mmengine.hooks, mmengine.model, mmengine.evaluator, "
        "mmengine.visualization, mmengine.dataset, mmengine.optim, mmengine.infer\n"
        "from mmengine.logging import MMLogger\n"
        "print(sorted(MMLogger._instance_dict))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
