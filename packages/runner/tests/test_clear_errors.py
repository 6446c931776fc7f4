"""Bad Runner inputs fail with 0.10's exception class and a message naming the argument and
the fix (load_from, work_dir, train_cfg limits, a dataloader without batches); at the end,
Runner behaviours recorded black box from 0.10.7.

A checkpoint path that is a directory or names no file is explained whichever way it is loaded
(the Runner's or FlexibleRunner's load_from/resume, load_checkpoint/resume called directly, a
strategy's load_or_resume/load_checkpoint); a work_dir below a file names the file in the way."""

from __future__ import annotations

import errno
import os
from unittest import mock

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, IterableDataset

from mmengine.dataset import DefaultSampler
from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from mmengine.runner import FlexibleRunner, Runner
from mmengine.runner.dataloader import check_has_batches
from mmengine.runner.loops import LoopArgumentError


class TinyModel(BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs=None, data_samples=None, mode="tensor"):
        out = self.linear(torch.stack(inputs).float()).sum()
        if mode == "loss":
            return dict(loss=out)
        return [out] * len(inputs) if mode == "predict" else out


def make_runner(work_dir, cls=Runner, **overrides) -> Runner:
    cfg = dict(
        model=TinyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.ones(2)) for _ in range(4)],
            sampler=dict(type="DefaultSampler", shuffle=False),
            batch_size=2,
        ),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_hooks=dict(checkpoint=None),
    )
    cfg.update(overrides)
    return cls(**cfg)


# ---------------------------------------------------------------- load_from
@pytest.mark.parametrize("resume", [False, True])
def test_load_from_a_directory_says_a_checkpoint_file_is_needed(tmp_path, resume):
    folder = tmp_path / "ckpts"
    folder.mkdir()
    runner = make_runner(tmp_path / "work", load_from=str(folder), resume=resume)
    with pytest.raises(FileNotFoundError) as info:
        runner.train()
    message = str(info.value)
    assert message.startswith(f"{folder} can not be found.")  # 0.10's sentence first
    assert f"load_from={str(folder)!r} is a directory, not a checkpoint file" in message
    hint = "resume=True to resume from the latest checkpoint in work_dir"
    assert (hint in message) == resume


@pytest.mark.parametrize("resume", [False, True])
def test_load_from_a_missing_file_names_the_argument(tmp_path, resume):
    missing = tmp_path / "nope.pth"
    runner = make_runner(tmp_path / "work", load_from=str(missing), resume=resume)
    with pytest.raises(FileNotFoundError) as info:
        runner.train()
    message = str(info.value)
    assert message.startswith(f"{missing} can not be found.")
    assert f"load_from={str(missing)!r} names no file" in message
    assert ("resume=True to resume from the latest checkpoint" in message) == resume


@pytest.mark.parametrize("damage", ["truncated", "deleted"])
def test_a_damaged_latest_checkpoint_points_at_the_older_ones(tmp_path, damage):
    work = tmp_path / "work"
    saving = dict(checkpoint=dict(type="CheckpointHook", interval=1))
    make_runner(work, default_hooks=saving, train_cfg=dict(max_epochs=2)).train()
    latest = work / "epoch_2.pth"
    if damage == "truncated":
        latest.write_bytes(latest.read_bytes()[: latest.stat().st_size // 2])
    else:
        latest.unlink()  # last_checkpoint still names it
    runner = make_runner(work, default_hooks=saving, train_cfg=dict(max_epochs=3), resume=True)
    hint = f"set load_from='{work / 'epoch_1.pth'}' and resume=True"
    with mock.patch.object(runner.logger, "error") as error:
        with pytest.raises((OSError, RuntimeError, EOFError)) as info:
            runner.train()
    if damage == "truncated":  # the error names the file; the log, the older checkpoints
        assert "epoch_2.pth" in str(info.value) and "truncated" in str(info.value)
        message = error.call_args.args[0]
        assert message.startswith(f"The latest checkpoint {latest} cannot be read")
    else:  # 0.10's FileNotFoundError sentence first, then what happened and what to do
        assert type(info.value) is FileNotFoundError
        message = str(info.value)
        assert message.startswith(f"{latest} can not be found.")
        assert "last_checkpoint names it as the latest checkpoint, but the file is gone" in message
    assert hint in message


def test_resume_without_a_checkpoint_logs_010s_sentence_first(tmp_path):
    # 0.10.7 (recorded black box) logs "Auto resumed from the latest checkpoint None." when
    # resume=True finds nothing in work_dir; ours keeps that sentence and says what it means.
    runner = make_runner(tmp_path / "work", resume=True)
    with mock.patch.object(runner.logger, "info") as info:
        runner.load_or_resume()
    lines = [call.args[0] for call in info.call_args_list]
    expected = (
        "Auto resumed from the latest checkpoint None. "
        f"No checkpoint found in {runner.work_dir}: training from scratch."
    )
    assert expected in lines


def test_load_from_an_existing_checkpoint_still_loads(tmp_path):
    first = make_runner(tmp_path / "a")
    first.train()
    path = os.path.join(first.work_dir, "weights.pth")
    first.save_checkpoint(first.work_dir, "weights.pth")
    second = make_runner(tmp_path / "b", load_from=path, train_cfg=dict(max_epochs=1))
    second.load_or_resume()
    assert second.load_plan.done


# ---------------------------------------------------------------- work_dir
def test_work_dir_that_is_a_file(tmp_path):
    path = tmp_path / "a_file"
    path.write_text("not a folder")
    with pytest.raises(FileExistsError) as info:
        make_runner(path)
    assert isinstance(info.value, OSError)
    assert f"work_dir {str(path)!r} is a file, not a directory" in str(info.value)
    assert path.read_text() == "not a folder"


# ---------------------------------------------------------------- train_cfg limits
@pytest.mark.parametrize(
    ("train_cfg", "loop", "unexpected", "given"),
    [
        (dict(by_epoch=True, max_epochs=1, max_iters=3), "EpochBasedTrainLoop", "max_iters",
         "both max_epochs and max_iters"),
        (dict(max_epochs=1, max_iters=3), "EpochBasedTrainLoop", "max_iters",
         "both max_epochs and max_iters"),
        (dict(by_epoch=False, max_epochs=1, max_iters=3), "IterBasedTrainLoop", "max_epochs",
         "both max_iters and max_epochs"),
        (dict(by_epoch=False, max_epochs=1), "IterBasedTrainLoop", "max_epochs",
         "max_epochs but no max_iters"),
        (dict(type="EpochBasedTrainLoop", max_epochs=1, max_iters=3), "EpochBasedTrainLoop",
         "max_iters", "both max_epochs and max_iters"),
    ],
)  # fmt: skip
def test_train_cfg_with_the_other_loops_limit(tmp_path, train_cfg, loop, unexpected, given):
    runner = make_runner(tmp_path, train_cfg=train_cfg)
    with pytest.raises(TypeError) as info:
        runner.train()
    message = str(info.value)
    # 0.10's sentence (the loop's own TypeError) first
    assert message.startswith(
        f"{loop}.__init__() got an unexpected keyword argument {unexpected!r}."
    )
    assert f"train_cfg gives {given}" in message
    assert "epoch-based loop (by_epoch=True, the default) takes max_epochs" in message
    assert "iteration-based loop (by_epoch=False) takes max_iters" in message


def test_train_cfg_with_matching_limits_builds_its_loop(tmp_path):
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=False, max_iters=2))
    runner.train()
    assert runner.iter == 2


# ---------------------------------------------------------------- dataloader without batches
class Stream(IterableDataset):
    def __iter__(self):
        return iter([])


def test_check_has_batches_on_an_empty_dataset():
    with pytest.raises(ValueError) as info:
        check_has_batches(DataLoader([], batch_size=2), "train")
    message = str(info.value)
    assert message.startswith("train_dataloader yields no batches: its dataset [] (list) has 0")


def test_check_has_batches_when_drop_last_drops_everything():
    loader = DataLoader(list(range(3)), batch_size=4, drop_last=True)
    with pytest.raises(ValueError, match="^val_dataloader yields no batches: .* 3 samples") as info:
        check_has_batches(loader, "val")
    assert "drop_last" in str(info.value)


def test_check_has_batches_names_the_class_of_a_dataset_with_a_long_repr():
    class Empty:
        def __len__(self):
            return 0

        def __getitem__(self, index):
            raise IndexError(index)

        def __repr__(self):
            return "Empty(\n  lots of lines\n)"

    with pytest.raises(ValueError, match="its dataset Empty has 0 samples"):
        check_has_batches(DataLoader(Empty(), batch_size=1), "test")


def test_check_has_batches_is_silent_with_batches_or_without_a_length():
    check_has_batches(DataLoader(list(range(3)), batch_size=2), "train")
    check_has_batches(DataLoader(Stream(), batch_size=2), "train")  # len() raises TypeError
    # the runner's own dataloaders (built from a config) are checked the same way
    built = Runner.build_dataloader(
        dict(dataset=[], sampler=dict(type="DefaultSampler", shuffle=False), batch_size=2)
    )
    with pytest.raises(ValueError, match="has 0 samples"):
        check_has_batches(built, "train")


@pytest.mark.parametrize(
    "train_cfg", [dict(by_epoch=True, max_epochs=2), dict(by_epoch=False, max_iters=3)]
)
def test_training_on_an_empty_dataset_fails_before_the_first_iteration(tmp_path, train_cfg):
    """Both train loops check their dataloader first, instead of "training" on nothing."""
    runner = make_runner(
        tmp_path,
        train_dataloader=dict(dataset=[], sampler=dict(type="DefaultSampler"), batch_size=2),
        train_cfg=train_cfg,
    )
    with pytest.raises(ValueError, match="train_dataloader yields no batches"):
        runner.train()
    assert runner.iter == 0


class _Accuracy(BaseMetric):
    def process(self, data_batch, data_samples) -> None:
        self.results.append(1.0)

    def compute_metrics(self, results) -> dict:
        return dict(acc=sum(results) / len(results))


def _val_parts(sampler="DefaultSampler") -> dict:
    return dict(
        val_dataloader=dict(
            dataset=[dict(inputs=torch.ones(2)) for _ in range(4)],
            sampler=dict(type=sampler, shuffle=False),
            batch_size=2,
        ),
        val_cfg=dict(),
        val_evaluator=dict(type=_Accuracy),
    )


@pytest.mark.parametrize(
    "train_cfg, says",
    [
        (dict(by_epoch=True, max_epochs=2, val_interval=0), "val_interval is 0"),
        (dict(by_epoch=False, max_iters=4, val_interval=0), "val_interval is 0"),
        (
            dict(by_epoch=True, max_epochs=4, val_interval=1, dynamic_intervals=[(2, 0)]),
            "dynamic_intervals sets an interval of 0",
        ),
    ],
)
def test_a_zero_validation_interval_fails_before_training(tmp_path, train_cfg, says):
    """0.10 trains the first epoch, then fails with ZeroDivisionError."""
    runner = make_runner(tmp_path, train_cfg=train_cfg, **_val_parts())
    with pytest.raises(LoopArgumentError, match=f"train_cfg.{says}: .* positive"):
        runner.train()
    assert runner.iter == 0


@pytest.mark.parametrize(
    "train_cfg", [dict(by_epoch=True, max_epochs=2), dict(by_epoch=False, max_iters=4)]
)
def test_a_zero_validation_interval_without_validation_still_trains(tmp_path, train_cfg):
    """As in 0.10: the interval is not used when nothing is validated."""
    runner = make_runner(tmp_path, train_cfg=dict(train_cfg, val_interval=0))
    runner.train()
    assert runner.iter == 4


@pytest.mark.parametrize("stage", ["train", "val", "test"])
def test_a_sampler_that_never_ends_in_a_loop_over_an_epoch(tmp_path, stage):
    """0.10 runs such an epoch forever ("Epoch(train) [1][15714/2]")."""
    parts = _val_parts()
    if stage == "train":
        loader = dict(
            dataset=[dict(inputs=torch.ones(2)) for _ in range(4)],
            sampler=dict(type="InfiniteSampler", shuffle=False),
            batch_size=2,
        )
        runner = make_runner(tmp_path, train_dataloader=loader)
        loop = "EpochBasedTrainLoop"
    else:
        parts = _val_parts("InfiniteSampler")
        parts = {stage + key[3:]: value for key, value in parts.items()}
        runner = make_runner(tmp_path, **parts)
        loop = "ValLoop" if stage == "val" else "TestLoop"
    with pytest.raises(ValueError, match=f"{loop} goes through {stage}_dataloader once") as err:
        getattr(runner, stage)()
    assert "DefaultSampler" in str(err.value)
    if stage == "train":  # the iteration-based loop is made for it
        runner = make_runner(
            tmp_path, train_dataloader=loader, train_cfg=dict(by_epoch=False, max_iters=3)
        )
        runner.train()
        assert runner.iter == 3


# ------------------------------------------------- every checkpoint load path
@pytest.fixture(params=["directory", "missing"])
def bad_path(request, tmp_path):
    """A path that is no checkpoint file, and how the message describes it."""
    if request.param == "directory":
        path = tmp_path / "ckpts"
        path.mkdir()
        return str(path), "is a directory, not a checkpoint file"
    return str(tmp_path / "nope.pth"), "names no file"


def check(message: str, path: str, name: str, what: str) -> None:
    assert message.startswith(f"{path} can not be found. ")  # 0.10's sentence first
    assert f"{name}={path!r} {what}" in message
    assert message.count("can not be found") == 1 and message.count(what) == 1


@pytest.mark.parametrize("cls", [Runner, FlexibleRunner])
@pytest.mark.parametrize("method", ["load_checkpoint", "resume"])
def test_direct_load_or_resume_explains(tmp_path, bad_path, cls, method):
    path, what = bad_path
    runner = make_runner(tmp_path / "work", cls)
    with pytest.raises(FileNotFoundError) as info:
        getattr(runner, method)(path)
    assert type(info.value) is FileNotFoundError
    check(str(info.value), path, "filename", what)
    assert "resume=True" not in str(info.value)


@pytest.mark.parametrize("resume", [False, True])
def test_flexible_runner_load_from_explains_once(tmp_path, bad_path, resume):
    path, what = bad_path
    runner = make_runner(tmp_path / "work", FlexibleRunner, load_from=path, resume=resume)
    with pytest.raises(FileNotFoundError) as info:
        runner.train()
    message = str(info.value)
    check(message, path, "load_from", what)  # the argument's name, not load_checkpoint's
    assert "filename=" not in message
    hint = "resume=True to resume from the latest checkpoint in work_dir"
    assert (hint in message) == resume


@pytest.mark.parametrize(
    ("kwargs", "name", "hint"),
    [
        (dict(load_from="PATH"), "load_from", False),
        (dict(load_from="PATH", resume=True), "load_from", True),
        (dict(resume="PATH"), "resume", True),
    ],
)
def test_strategy_load_or_resume_explains(tmp_path, bad_path, kwargs, name, hint):
    path, what = bad_path
    runner = make_runner(tmp_path / "work", FlexibleRunner)
    strategy = runner.strategy
    strategy.prepare(runner.model)
    kwargs = {key: path if value == "PATH" else value for key, value in kwargs.items()}
    with pytest.raises(FileNotFoundError) as info:
        strategy.load_or_resume(**kwargs)
    check(str(info.value), path, name, what)
    assert ("latest checkpoint in work_dir" in str(info.value)) == hint
    with pytest.raises(FileNotFoundError) as info:
        strategy.load_checkpoint(path)
    check(str(info.value), path, "filename", what)


def test_a_checkpoint_file_still_loads_and_patches_still_apply(tmp_path):
    first = make_runner(tmp_path / "a", Runner)
    first.save_checkpoint(first.work_dir, "weights.pth", save_optimizer=False)
    path = f"{first.work_dir}/weights.pth"
    second = make_runner(tmp_path / "b", Runner)
    assert "meta" in second.load_checkpoint(path)
    # code written for 0.10 patches the runner module's _load_checkpoint
    with mock.patch("mmengine.runner.runner._load_checkpoint", side_effect=RuntimeError("hit")):
        with pytest.raises(RuntimeError, match="^hit$"):
            second.load_checkpoint(path)


def test_other_file_not_found_errors_are_left_alone(tmp_path):
    runner = make_runner(tmp_path / "work", Runner)
    error = FileNotFoundError(2, "No such file or directory", "elsewhere")
    with mock.patch("mmengine.runner.runner._load_checkpoint", side_effect=error):
        with pytest.raises(FileNotFoundError) as info:
            runner.load_checkpoint(str(tmp_path / "nope.pth"))
    assert info.value is error and str(error) == "[Errno 2] No such file or directory: 'elsewhere'"


# ------------------------------------------------- work_dir below a file
@pytest.fixture
def afile(tmp_path):
    path = tmp_path / "afile"
    path.write_text("not a folder")
    yield path
    assert path.read_text() == "not a folder"  # never touched


@pytest.mark.parametrize("cls", [Runner, FlexibleRunner])
@pytest.mark.parametrize("below", ["sub", os.path.join("sub", "deeper")])
def test_work_dir_below_a_file(afile, cls, below):
    work_dir = str(afile / below)
    with pytest.raises(NotADirectoryError) as info:
        cls(model=TinyModel(), work_dir=work_dir)
    error = info.value
    assert type(error) is NotADirectoryError and error.errno == errno.ENOTDIR
    message = str(error)
    # 0.10's sentence: makedirs fails on the path right below the file
    assert message.startswith(f"[Errno 20] Not a directory: {str(afile / 'sub')!r}. ")
    assert f"work_dir {work_dir!r} lies below {str(afile)!r}, which is a file" in message


@pytest.mark.parametrize(
    ("work_dir", "error", "first", "explained"),
    [
        ("afile/x", NotADirectoryError, "[Errno 20] Not a directory: {x}. ", "lies below {f}"),
        ("afile/", FileExistsError, "[Errno 17] File exists: {f}. ", "is a file, not a directory"),
    ],
)
def test_relative_work_dir_errors_lead_with_the_absolute_path(
    afile, monkeypatch, work_dir, error, first, explained
):
    monkeypatch.chdir(afile.parent)
    with pytest.raises(error) as info:
        Runner(model=TinyModel(), work_dir=work_dir)
    message = str(info.value)
    paths = dict(f=repr(str(afile)), x=repr(str(afile / "x")))
    assert message.startswith(first.format(**paths))
    assert f"work_dir {work_dir!r} {explained.format(**paths)}" in message


def test_work_dir_below_directories_is_created(tmp_path):
    work_dir = tmp_path / "a" / "b"
    runner = Runner(model=TinyModel(), work_dir=str(work_dir))
    assert os.path.isdir(runner.work_dir)


# ------------------------------------------------------ the config's top-level keys
def _cfg(tmp_path, **extra) -> dict:
    cfg = dict(
        model=dict(type=TinyModel),
        work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.ones(2)) for _ in range(4)],
            sampler=dict(type="DefaultSampler", shuffle=False),
            batch_size=2,
        ),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)),
    )
    cfg.update(extra)
    return cfg


@pytest.mark.parametrize("cls", [Runner, FlexibleRunner])
@pytest.mark.parametrize(
    "typo, meant, used",
    [
        ("param_schedulers", "param_scheduler", "does not set 'param_scheduler', so its default"),
        ("optim_wraper", "optim_wrapper", "sets 'optim_wrapper' too, and only that is used"),
        ("models", "model", "sets 'model' too"),  # mmseg's bisenetv2 OHEM config
    ],
)
def test_a_misspelt_runner_argument_in_a_config_warns(tmp_path, cls, typo, meant, used):
    cfg = _cfg(tmp_path, **{typo: dict(type="SGD")})
    with pytest.warns(
        UserWarning, match=f"key '{typo}' is not an argument of {cls.__name__}"
    ) as rec:
        cls.from_cfg(cfg)
    message = str(rec[0].message)
    assert f"Did you mean '{meant}'?" in message and used in message
    assert rec[0].filename == __file__  # points at the caller of from_cfg


def test_other_config_keys_are_not_reported(tmp_path, recwarn):
    cfg = _cfg(
        tmp_path,
        conv_cfg=dict(type="Conv2d"),  # close to env_cfg, but a key of its own
        val_evaluator_abs=dict(type="Accuracy"),  # a variant of val_evaluator
        train_pipeline=[],
        dataset_type="X",
        strategy=dict(type="SingleDeviceStrategy"),  # FlexibleRunner's
    )
    Runner.from_cfg(cfg)
    assert not [w for w in recwarn.list if "is not an argument" in str(w.message)]


@pytest.mark.parametrize("key", ["model", "work_dir"])
def test_from_cfg_without_model_or_work_dir(tmp_path, key):
    cfg = _cfg(tmp_path)
    del cfg[key]
    with pytest.raises(KeyError, match=f"'{key}': Runner.from_cfg needs a config with a top-"):
        Runner.from_cfg(cfg)


# ------------------------------------------------------------------- hooks, parts
def test_default_hooks_given_as_a_list(tmp_path):
    """0.10: AttributeError "'list' object has no attribute 'items'"."""
    with pytest.raises(AttributeError, match="default_hooks should be a dict of hooks by name"):
        make_runner(tmp_path, default_hooks=[dict(type="LoggerHook")])
    with pytest.raises(TypeError, match="put additional hooks in the custom_hooks list"):
        make_runner(tmp_path, default_hooks=[dict(type="LoggerHook")])


def test_a_missing_task_part_is_named_after_a_short_view_of_the_others(tmp_path):
    with pytest.raises(ValueError, match="should be either all None or not None") as err:
        make_runner(
            tmp_path,
            train_dataloader=dict(dataset=[dict(inputs=torch.ones(2))] * 1000, batch_size=2),
            optim_wrapper=None,
        )
    message = str(err.value)
    assert len(message) < 600 and message.endswith(
        "To train, also give optim_wrapper; to skip train, leave them all None."
    )


# ------------------------------------------------ loading weights that do not all match
def test_load_checkpoint_with_mismatched_keys_warns_and_applies_revise_keys(tmp_path, capsys):
    """Runner.load_checkpoint passes revise_keys by name (positionally it became the logger:
    custom revise_keys were ignored and any mismatch report raised TypeError)."""
    runner = make_runner(tmp_path)
    weights = {k: torch.full_like(v, 3.0) for k, v in runner.model.state_dict().items()}
    path = tmp_path / "other.pth"
    torch.save(
        dict(
            state_dict={
                **{f"backbone.{k}": v for k, v in weights.items()},
                "backbone.extra": torch.zeros(1),
            }
        ),
        path,
    )
    runner.load_checkpoint(str(path), revise_keys=[(r"^backbone\.", "")])
    assert all(torch.equal(v, weights[k]) for k, v in runner.model.state_dict().items())
    assert "unexpected key in source state_dict: extra" in capsys.readouterr().out


# ------------------------------------------- resuming with another kind of optimizer
@pytest.mark.parametrize("cls", [Runner, FlexibleRunner])
@pytest.mark.parametrize("saved, configured", [("SGD", "Adam"), ("Adam", "SGD")])
def test_resuming_with_another_kind_of_optimizer(tmp_path, cls, saved, configured):
    """torch fails inside load_state_dict (KeyError: 'step') or at the first step
    (KeyError: 'momentum'); the check names both kinds and the two ways out."""
    first = make_runner(tmp_path, optim_wrapper=dict(optimizer=dict(type=saved, lr=0.1)))
    first.train()
    first.save_checkpoint(str(tmp_path), "saved.pth")
    path = str(tmp_path / "saved.pth")
    runner = make_runner(
        tmp_path / "again",
        cls,
        optim_wrapper=dict(optimizer=dict(type=configured, lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=2),
        load_from=path,
        resume=True,
    )
    with pytest.raises(
        ValueError, match=f"another kind of optimizer than the configured {configured}"
    ) as err:
        runner.train()
    assert f"load_from='{path}', resume=False" in str(err.value)


def test_resuming_with_the_same_optimizer_and_other_hyperparameters(tmp_path):
    first = make_runner(tmp_path, optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.1)))
    first.train()
    first.save_checkpoint(str(tmp_path), "epoch_1.pth")
    path = str(tmp_path / "epoch_1.pth")
    runner = make_runner(
        tmp_path / "again",
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.5, momentum=0.9, nesterov=True)),
        train_cfg=dict(by_epoch=True, max_epochs=2),
        load_from=path,
        resume=True,
    )
    runner.train()
    assert runner.epoch == 2


def test_resuming_a_finished_run_says_nothing_is_left_to_train(tmp_path):
    first = make_runner(tmp_path)
    first.train()
    first.save_checkpoint(str(tmp_path), "end.pth")
    runner = make_runner(tmp_path / "again", load_from=str(tmp_path / "end.pth"), resume=True)
    with mock.patch.object(runner.logger, "warning") as warning:
        runner.train()
    messages = [call.args[0] for call in warning.call_args_list]
    assert any("nothing is left to train" in m and "max_epochs" in m for m in messages)
    assert runner.iter == 2


# ------------------------------------------------------- build_dataloader functions
@pytest.mark.parametrize(
    "key, upstream",
    # 0.10.7 (recorded black box): TypeError from functools.partial for an unknown
    # collate_fn type, AssertionError for an unknown worker_init_fn type.
    [("collate_fn", TypeError), ("worker_init_fn", AssertionError)],
)
def test_an_unregistered_function_type_raises_010s_class(key, upstream):
    cfg = dict(dataset=[dict(inputs=torch.ones(2))] * 2, batch_size=1, **{key: dict(type="nope")})
    cfg["sampler"] = dict(type="DefaultSampler", shuffle=False)
    with pytest.raises(upstream) as info:
        Runner.build_dataloader(cfg, seed=1)
    assert isinstance(info.value, KeyError)  # what the project raised before
    assert f"{key} 'nope' is not registered in FUNCTIONS" in str(info.value)
    if key == "collate_fn":
        assert str(info.value).startswith("the first argument must be callable")


# ---------------------------------------------------------------- recorded from 0.10.7
# Runner behaviours recorded black box from mmengine 0.10.7 with tiny CPU runs.
def _iter_runner(work_dir, **overrides) -> Runner:
    """A 9-iteration IterBasedTrainLoop run without checkpoint or logger hooks."""
    defaults = dict(
        train_cfg=dict(type="IterBasedTrainLoop", max_iters=9),
        default_hooks=dict(checkpoint=None, logger=None),
    )
    return make_runner(work_dir, **{**defaults, **overrides})


def test_iter_based_loop_sets_each_data_epoch_once(tmp_path, monkeypatch):
    # 0.10.7: DistSamplerSeedHook sets epoch 0, then every restart of the data stream sets
    # the next epoch: [0, 1, 2, 3, 4] for 9 iterations of 2 batches an epoch (ours set 0
    # twice).
    seen = []
    original = DefaultSampler.set_epoch

    def record(self, epoch):
        seen.append(epoch)
        return original(self, epoch)

    monkeypatch.setattr(DefaultSampler, "set_epoch", record)
    _iter_runner(tmp_path).train()
    assert seen == [0, 1, 2, 3, 4]


def test_save_checkpoint_without_schedulers_warns_as_010(tmp_path):
    runner = _iter_runner(tmp_path)
    runner.train()
    with mock.patch.object(runner.logger, "warning") as warning:
        runner.save_checkpoint(str(tmp_path), "x.pth")
    messages = [call.args[0] for call in warning.call_args_list]
    assert (
        "`save_param_scheduler` is True but `self.param_schedulers` is None, so skip saving "
        "parameter schedulers"
    ) in messages
    with mock.patch.object(runner.logger, "warning") as warning:
        runner.save_checkpoint(str(tmp_path), "y.pth", save_param_scheduler=False)
    assert not warning.called


@pytest.mark.parametrize(
    "method, sentence",
    [
        ("build_model", "model should be a nn.Module object or dict, but got 5"),
        (
            "build_param_scheduler",
            "scheduler should be a _ParamScheduler object or dict, but got 5",
        ),
    ],
)
def test_build_errors_start_with_010s_message(tmp_path, method, sentence):
    runner = _iter_runner(tmp_path)
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    with pytest.raises(TypeError) as info:
        getattr(runner, method)(5)
    assert str(info.value).startswith(sentence)


def test_resume_with_another_seed_warns_with_010s_sentence(tmp_path):
    first = _iter_runner(tmp_path, randomness=dict(seed=0))
    first.train()
    path = str(tmp_path / "x.pth")
    first.save_checkpoint(str(tmp_path), "x.pth")
    second = _iter_runner(tmp_path / "b", randomness=dict(seed=5))
    with mock.patch.object(second.logger, "warning") as warning:
        second.resume(path)
    messages = [call.args[0] for call in warning.call_args_list]
    # 0.10.7's sentence, recorded black box
    sentence = (
        'The value of random seed in the checkpoint "0" is different from the value in '
        '`randomness` config "5"'
    )
    assert any(message.startswith(sentence) for message in messages), messages
    assert second.seed == 0


def test_resume_logs_loading_the_checkpoint_once(tmp_path, capsys):
    # 0.10.7 (recorded black box: mmdet's DETR resumed with tools/train.py --resume) logs one
    # "Loads checkpoint by local backend from path: <work_dir>/epoch_2.pth" line. Ours also
    # reads the record of the validation after the checkpoint (epoch_1.pth.validated): that
    # read is not a checkpoint load and logged a second "Loads checkpoint by" line naming it.
    def runner(max_epochs: int, resume: bool) -> Runner:
        return make_runner(
            tmp_path, **_val_parts(), default_hooks=dict(), resume=resume,
            train_cfg=dict(by_epoch=True, max_epochs=max_epochs, val_interval=1),
        )  # fmt: skip

    runner(1, False).train()
    assert os.path.isfile(tmp_path / "epoch_1.pth.validated")
    capsys.readouterr()
    runner(2, True).load_or_resume()
    captured = capsys.readouterr()
    lines = [
        line for line in (captured.out + captured.err).splitlines() if "Loads checkpoint by" in line
    ]
    assert lines == [f"Loads checkpoint by local backend from path: {tmp_path}/epoch_1.pth"]
