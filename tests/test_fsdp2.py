"""FSDP2 (fully_shard) on CPU/gloo: training, sharded checkpoints, resharding on resume,
consolidation, the Runner's model wrapper. Processes are spawned with a free port and killed
on a deadline, so a failing rank never hangs the suite."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from unittest import mock

import pytest
import torch

pytest.importorskip("torch.distributed.fsdp", reason="needs torch.distributed")
try:
    from torch.distributed.fsdp import fully_shard  # noqa: F401
except ImportError:  # torch < 2.6: the runner's FSDP2 needs a newer torch than this one
    pytest.skip("FSDP2 tests run on torch >= 2.6", allow_module_level=True)

_LAUNCH_VARS = ("WORLD_SIZE", "RANK", "LOCAL_RANK", "SLURM_NTASKS", "OMPI_COMM_WORLD_LOCAL_RANK")

# The model and the training setup every script and in-process check share.
COMMON = textwrap.dedent(
    """
    import os, sys, torch
    import torch.nn.functional as F
    from torch import nn
    from mmengine.model import BaseModel

    class Block(nn.Module):
        def __init__(self, dim):
            super().__init__()
            self.fc = nn.Linear(dim, dim)
            self.register_buffer("scale", torch.full((dim,), 0.5))

        def forward(self, x):
            return x + torch.tanh(self.fc(x)) * self.scale

    class Net(BaseModel):
        def __init__(self, dim=6):
            super().__init__()
            self.inp = nn.Linear(3, dim)
            self.blocks = nn.Sequential(Block(dim), Block(dim))
            self.out = nn.Linear(dim, 2)

        def forward(self, inputs, labels=None, mode="tensor"):
            logits = self.out(self.blocks(self.inp(inputs)))
            if mode == "loss":
                return dict(loss=F.cross_entropy(logits, labels))
            if mode == "predict":
                return [logits.argmax(1)]
            return logits

    class Data(torch.utils.data.Dataset):
        def __init__(self, n=16):
            g = torch.Generator().manual_seed(0)
            self.x = torch.randn(n, 3, generator=g)
            self.y = (self.x.sum(1) > 0).long()
        def __len__(self):
            return len(self.x)
        def __getitem__(self, i):
            return dict(inputs=self.x[i], labels=self.y[i])

    OPTIM = dict(optimizer=dict(type="AdamW", lr=0.05, weight_decay=0.01))
    SCHED = [dict(type="MultiStepLR", milestones=[1], gamma=0.5, by_epoch=True)]

    def full_state(model, optimizer):
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_state_dict
        opts = StateDictOptions(full_state_dict=True, cpu_offload=True)
        return get_state_dict(model, optimizer, options=opts)
    """
)

TRAIN_2 = COMMON + textwrap.dedent(
    """
    from torch.distributed.tensor import DTensor
    from mmengine.runner import FlexibleRunner
    work_dir = sys.argv[1]
    runner = FlexibleRunner(
        model=Net(),
        work_dir=work_dir,
        strategy=dict(
            type="FSDPStrategy",
            fsdp_version=2,
            model_wrapper=dict(shard_modules=["Block"]),
            state_dict_cfg=dict(state_dict_type="sharded", async_save=True),
        ),
        train_dataloader=dict(
            batch_size=4, dataset=Data(),
            sampler=dict(type="DefaultSampler", shuffle=False),
            collate_fn=dict(type="default_collate"),
        ),
        optim_wrapper=OPTIM,
        param_scheduler=SCHED,
        train_cfg=dict(by_epoch=True, max_epochs=2),
        default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=1, max_keep_ckpts=1)),
        env_cfg=dict(dist_cfg=dict(backend="gloo", timeout=120)),
        randomness=dict(seed=1),
    )
    runner.train()
    inner = runner.model.module
    weight = inner.blocks[0].fc.weight
    assert isinstance(weight, DTensor), type(weight)
    assert weight.to_local().numel() < weight.numel(), "not sharded"
    model_sd, optim_sd = full_state(inner, runner.optim_wrapper.optimizer)
    if runner.rank == 0:
        torch.save(
            dict(
                model=model_sd,
                optim=optim_sd,
                sched=[s.state_dict() for s in runner.param_schedulers],
                epoch=runner.epoch,
                iter=runner.iter,
            ),
            os.path.join(work_dir, "reference.pt"),
        )
    print("TRAIN2 OK", runner.world_size, type(runner.model).__name__, flush=True)
    """
)

RESUME_3 = COMMON + textwrap.dedent(
    """
    from mmengine._strategy import FSDPStrategy
    work_dir = sys.argv[1]
    strategy = FSDPStrategy(
        fsdp_version=2,
        model_wrapper=dict(shard_modules=["Block"]),
        work_dir=work_dir,
        env_kwargs=dict(dist_cfg=dict(backend="gloo", timeout=120), randomness=dict(seed=7)),
    )
    model, optim_wrapper, schedulers = strategy.prepare(
        Net(), optim_wrapper=OPTIM, param_scheduler=SCHED,
        dispatch_kwargs=dict(max_epochs=2, max_iters=4, epoch_length=2),
    )
    rest = strategy.load_or_resume(resume=True)  # work_dir/last_checkpoint -> epoch_2.pth
    model_sd, optim_sd = full_state(model.module, optim_wrapper.optimizer)
    if strategy.rank == 0:
        ref = torch.load(os.path.join(work_dir, "reference.pt"), weights_only=False)
        for key, value in ref["model"].items():
            assert torch.equal(model_sd[key], value), key
        for name, state in ref["optim"]["state"].items():
            for k, v in state.items():
                assert torch.equal(torch.as_tensor(optim_sd["state"][name][k]), torch.as_tensor(v)), (name, k)
        assert [s.state_dict()["last_step"] for s in schedulers] == [
            s["last_step"] for s in ref["sched"]
        ]
        assert rest["meta"]["epoch"] == ref["epoch"] and rest["meta"]["iter"] == ref["iter"]
        assert "message_hub" in rest
        assert strategy.seed == 1, strategy.seed  # the checkpoint's seed
    # and training goes on, sharded over 3 processes
    loss = model.train_step(dict(inputs=torch.randn(4, 3), labels=torch.tensor([0, 1, 0, 1])), optim_wrapper)
    print("RESUME3 OK", strategy.world_size, float(loss["loss"]) > 0, flush=True)
    """
)

VALIDATED_2 = COMMON + textwrap.dedent(
    """
    from mmengine.evaluator import BaseMetric
    from mmengine.hooks import Hook
    from mmengine.runner import FlexibleRunner
    class Acc(BaseMetric):
        def process(self, data_batch, data_samples):
            self.results.append(float((data_samples[0] == data_batch["labels"]).float().mean()))
        def compute_metrics(self, results):
            return dict(acc=sum(results) / len(results))
    events = []
    class Events(Hook):
        def before_train_epoch(self, runner):
            events.append("train")
        def before_val_epoch(self, runner):
            events.append(f"val {runner.epoch}")
    work_dir, max_epochs = sys.argv[1], int(sys.argv[2])
    loader = dict(batch_size=4, dataset=Data(), collate_fn=dict(type="default_collate"),
                  sampler=dict(type="DefaultSampler", shuffle=False))
    runner = FlexibleRunner(
        model=Net(), work_dir=work_dir,
        strategy=dict(type="FSDPStrategy", fsdp_version=2, model_wrapper=dict(shard_modules=["Block"]),
                      state_dict_cfg=dict(state_dict_type="sharded")),
        train_dataloader=loader, val_dataloader=loader, val_evaluator=Acc(), val_cfg=dict(),
        optim_wrapper=OPTIM, param_scheduler=SCHED,
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs, val_interval=1),
        default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=1)),
        custom_hooks=[Events()], resume=max_epochs > 1,
        env_cfg=dict(dist_cfg=dict(backend="gloo", timeout=120)), randomness=dict(seed=1),
    )
    runner.train()
    print("EVENTS", events, flush=True)
    """
)

FOUR = COMMON + textwrap.dedent(
    """
    import copy
    import torch.distributed as dist
    from torch.distributed.tensor import DTensor
    from mmengine._strategy import FSDPStrategy
    from mmengine.model.wrappers.fully_sharded_distributed import MMFSDP2
    from mmengine.runner import Runner
    work_dir = sys.argv[1]
    strategy = FSDPStrategy(
        fsdp_version=2,
        model_wrapper=dict(shard_modules=["Block"]),
        work_dir=work_dir,
        env_kwargs=dict(dist_cfg=dict(backend="gloo", timeout=120), randomness=dict(seed=3)),
    )
    rank, world = strategy.rank, strategy.world_size
    torch.manual_seed(0)
    net = Net()
    reference = copy.deepcopy(net)
    model, optim_wrapper = strategy.prepare(
        net, optim_wrapper=dict(optimizer=dict(type="SGD", lr=0.5))
    )
    # One step on a global batch of 8, each rank holding its 2 rows, equals one
    # single-process step on the whole batch (gradients are averaged across ranks).
    g = torch.Generator().manual_seed(5)
    x, y = torch.randn(8, 3, generator=g), torch.randint(0, 2, (8,), generator=g)
    rows = slice(2 * rank, 2 * rank + 2)
    model.train_step(dict(inputs=x[rows], labels=y[rows]), optim_wrapper)
    opt = torch.optim.SGD(reference.parameters(), lr=0.5)
    F.cross_entropy(reference(x), y).backward()
    opt.step()
    sharded_sd = strategy.model_state_dict()
    assert all(isinstance(v, DTensor) for k, v in sharded_sd.items() if "scale" not in k)
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict
    full = get_model_state_dict(model.module, options=StateDictOptions(full_state_dict=True))
    for key, value in reference.state_dict().items():
        assert torch.allclose(full[key], value, atol=1e-6), (key, full[key], value)

    # Mixed precision and CPU offload from the wrapper config.
    torch.manual_seed(0)
    mp = MMFSDP2(
        Net(),
        shard_modules=["Linear"],
        mixed_precision=dict(param_dtype="bfloat16", reduce_dtype="float32"),
        cpu_offload=True,
    )
    seen = []
    out = mp.module.out
    out.register_forward_pre_hook(lambda m, i: seen.append(m.weight.dtype))
    out.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    opt = torch.optim.SGD(mp.parameters(), lr=0.1)
    before = mp.module.out.weight.full_tensor().clone()
    mp.module(x[rows], y[rows], mode="loss")["loss"].backward()
    opt.step()
    assert seen == [torch.bfloat16, torch.bfloat16], seen  # computed in bf16
    w = mp.module.out.weight
    assert w.dtype == torch.float32 and w.to_local().device.type == "cpu"
    assert not torch.equal(w.full_tensor(), before)

    # MMFSDP2 as the plain Runner's model wrapper: full checkpoints, resumable.
    def build(**kw):
        return Runner(
            model=Net(), work_dir=work_dir + "/runner", launcher="pytorch",
            train_dataloader=dict(batch_size=2, dataset=Data(8),
                                  sampler=dict(type="DefaultSampler", shuffle=False),
                                  collate_fn=dict(type="default_collate")),
            optim_wrapper=OPTIM,
            cfg=dict(model_wrapper_cfg=dict(type="MMFSDP2", shard_modules=["Block"])),
            default_hooks=dict(logger=None), randomness=dict(seed=3), **kw)
    runner = build(train_cfg=dict(by_epoch=True, max_epochs=1))
    runner.train()
    trained = get_model_state_dict(runner.model.module, options=StateDictOptions(full_state_dict=True))
    ckpt = torch.load(work_dir + "/runner/epoch_1.pth", weights_only=False)
    for key, value in trained.items():
        assert ckpt["state_dict"][key].shape == value.shape and torch.equal(ckpt["state_dict"][key], value), key
    assert all(not isinstance(v, DTensor) for s in ckpt["optimizer"]["state"].values() for v in s.values())
    resumed = build(resume=True, train_cfg=dict(by_epoch=True, max_epochs=2))
    resumed.optim_wrapper = resumed.build_optim_wrapper(resumed.optim_wrapper)
    resumed.load_or_resume()  # what train() does first
    again = get_model_state_dict(resumed.model.module, options=StateDictOptions(full_state_dict=True))
    assert all(torch.equal(again[k], v) for k, v in trained.items())
    resumed.train()  # one more epoch: the full optimizer state was resharded
    state = resumed.optim_wrapper.optimizer.state
    assert all(isinstance(v, DTensor) for s in state.values() for k, v in s.items() if k != "step")
    # skip_init_weights: a model config built on the meta device, allocated as shards only;
    # activation checkpointing keeps the parameter names of the checkpoints.
    from mmengine.registry import MODELS
    MODELS.register_module(name="Fsdp2TestNet", module=Net, force=True)
    lazy = FSDPStrategy(
        fsdp_version=2, skip_init_weights=True, work_dir=work_dir, experiment_name="lazy",
        activation_checkpointing=dict(module_classes=["Block"]),
        model_wrapper=dict(shard_modules=["Block"]),
    )
    lazy_model, lazy_optim = lazy.prepare(dict(type="Fsdp2TestNet"), optim_wrapper=OPTIM)
    assert not any(p.is_meta for p in lazy_model.parameters())
    lazy_model.train_step(dict(inputs=x[rows], labels=y[rows]), lazy_optim)
    assert sorted(lazy.model_state_dict()) == sorted(Net().state_dict())
    print("FOUR OK", world, flush=True)
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(script: str, nprocs: int, args: list[str], tmp: Path, timeout: float = 240) -> list[str]:
    """Run ``script`` as ``nprocs`` ranks of one gloo group; return each rank's output.

    A rank that fails makes the others be killed at once; all are killed at the deadline.
    """
    port = _free_port()
    procs, logs = [], []
    base_env = {k: v for k, v in os.environ.items() if k not in _LAUNCH_VARS}
    for rank in range(nprocs):
        env = dict(
            base_env,
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=str(port),
            RANK=str(rank),
            LOCAL_RANK=str(rank),
            WORLD_SIZE=str(nprocs),
            LOCAL_WORLD_SIZE=str(nprocs),
            OMP_NUM_THREADS="1",
        )
        log = open(tmp / f"rank{rank}.log", "w+")  # noqa: SIM115 (closed below)
        logs.append(log)
        procs.append(
            subprocess.Popen([sys.executable, "-c", script, *args], env=env, stdout=log, stderr=log)
        )
    deadline = time.monotonic() + timeout
    failed = None
    try:
        while any(p.poll() is None for p in procs):
            failed = next((r for r, p in enumerate(procs) if p.poll() not in (None, 0)), None)
            if failed is not None or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read())
        log.close()
    if failed is None:
        failed = next((r for r, p in enumerate(procs) if p.returncode != 0), None)
    if failed is not None:
        pytest.fail(f"rank {failed} of {nprocs} failed:\n{outputs[failed][-5000:]}")
    return outputs


@pytest.fixture(scope="module")
def trained_on_two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A FlexibleRunner FSDP2 run on 2 processes with sharded, asynchronous checkpoints."""
    work_dir = tmp_path_factory.mktemp("fsdp2_two")
    outputs = launch(TRAIN_2, 2, [str(work_dir)], work_dir)
    assert "TRAIN2 OK 2 MMFSDP2" in outputs[0], outputs[0][-3000:]
    return work_dir


def test_two_processes_write_their_own_shards(trained_on_two: Path) -> None:
    ckpt = trained_on_two / "epoch_2.pth"
    assert ckpt.is_dir()
    files = sorted(p.name for p in ckpt.iterdir())
    assert files == [".metadata", "__0_0.distcp", "__1_0.distcp", "extra_state.pth"]
    # rotation (max_keep_ckpts=1) removed the older directory; the pointer names the newest
    assert not (trained_on_two / "epoch_1.pth").exists()
    assert not list(trained_on_two.glob("*.tmp"))
    assert (trained_on_two / "last_checkpoint").read_text().strip() == str(ckpt)


def test_resume_on_one_process_equals_saved(trained_on_two: Path, tmp_path: Path) -> None:
    from mmengine.runner import FlexibleRunner

    ns: dict = {}
    exec(COMMON, ns)
    ref = torch.load(trained_on_two / "reference.pt", weights_only=False)
    work_dir = tmp_path / "resume1"
    work_dir.mkdir()
    (work_dir / "last_checkpoint").write_text(str(trained_on_two / "epoch_2.pth"))
    with mock.patch.dict(os.environ):
        for name in _LAUNCH_VARS:
            os.environ.pop(name, None)
        runner = FlexibleRunner(
            model=ns["Net"](),
            work_dir=str(work_dir),
            strategy=dict(type="FSDPStrategy", fsdp_version=2),
            train_dataloader=dict(
                batch_size=4,
                dataset=ns["Data"](),
                sampler=dict(type="DefaultSampler", shuffle=False),
                collate_fn=dict(type="default_collate"),
            ),
            optim_wrapper=ns["OPTIM"],
            param_scheduler=ns["SCHED"],
            train_cfg=dict(by_epoch=True, max_epochs=2),
            resume=True,
            experiment_name="fsdp2_resume1",
        )
        runner.train()  # resumes at epoch 2 of 2: nothing left to train
    assert (runner.epoch, runner.iter) == (ref["epoch"], ref["iter"])
    weights = runner.model.state_dict()
    for key, value in ref["model"].items():
        assert torch.equal(weights[key], value), key
    optimizer = runner.optim_wrapper.optimizer
    names = {id(p): n for n, p in runner.model.named_parameters()}
    for param, state in optimizer.state.items():
        for k, v in state.items():
            assert torch.equal(
                torch.as_tensor(v), torch.as_tensor(ref["optim"]["state"][names[id(param)]][k])
            )
    assert [s.last_step for s in runner.param_schedulers] == [s["last_step"] for s in ref["sched"]]


def test_resume_on_three_processes_equals_saved(trained_on_two: Path, tmp_path: Path) -> None:
    outputs = launch(RESUME_3, 3, [str(trained_on_two)], tmp_path)
    assert "RESUME3 OK 3 True" in outputs[0], outputs[0][-3000:]
    assert "saved by 2 process(es), loaded by 3" in outputs[0]


def test_consolidated_file_equals_full_state(trained_on_two: Path, tmp_path: Path) -> None:
    from mmengine._strategy.consolidate import main
    from mmengine.runner.checkpoint import load_checkpoint

    ns: dict = {}
    exec(COMMON, ns)
    ref = torch.load(trained_on_two / "reference.pt", weights_only=False)
    out = tmp_path / "full.pth"
    assert main([str(trained_on_two / "epoch_2.pth"), str(out)]) == 0
    model = ns["Net"]()
    checkpoint = load_checkpoint(model, str(out), strict=True)
    assert set(checkpoint) >= {"state_dict", "optimizer", "meta", "message_hub", "param_schedulers"}
    assert checkpoint["meta"]["epoch"] == ref["epoch"]
    for key, value in model.state_dict().items():
        assert torch.equal(value, ref["model"][key]), key
    # The optimizer state is a plain Optimizer.state_dict(): it loads into a new optimizer.
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.01)
    optimizer.load_state_dict(checkpoint["optimizer"])
    names = dict((id(p), n) for n, p in model.named_parameters())
    for param, state in optimizer.state.items():
        assert torch.equal(state["exp_avg"], ref["optim"]["state"][names[id(param)]]["exp_avg"])
    # a wrong path is a one-line error, exit status 2
    assert main([str(tmp_path / "missing"), str(tmp_path / "x.pth")]) == 2


def test_four_processes_match_one_and_runner_wrapper(tmp_path: Path) -> None:
    outputs = launch(FOUR, 4, [str(tmp_path)], tmp_path)
    assert "FOUR OK 4" in outputs[0], outputs[0][-3000:]


def test_sharded_resume_does_not_repeat_a_finished_validation(tmp_path: Path) -> None:
    launch(VALIDATED_2, 2, [str(tmp_path), "1"], tmp_path)
    assert (tmp_path / "epoch_1.pth").is_dir()  # sharded
    assert (tmp_path / "epoch_1.pth.validated").is_file()  # epoch 1's validation finished
    outputs = launch(VALIDATED_2, 2, [str(tmp_path), "2"], tmp_path)
    for output in outputs:
        assert "EVENTS ['train', 'val 2']" in output, output[-3000:]
