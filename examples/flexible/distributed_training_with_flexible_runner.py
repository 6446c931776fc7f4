"""Distributed training with FlexibleRunner: DDP, FSDP (1 or 2) or DeepSpeed, one script.

A small residual CNN learns to classify generated 3x16x16 images (no download). Launch it with
torchrun; every process is one rank of the same run (the launcher is inferred from torchrun's
environment)::

    torchrun --nproc-per-node 2 examples/flexible/distributed_training_with_flexible_runner.py
    torchrun --nproc-per-node 2 examples/flexible/distributed_training_with_flexible_runner.py \
        --use-fsdp
    # resume the FSDP run on 3 processes (the sharded checkpoint is resharded on load)
    torchrun --nproc-per-node 3 examples/flexible/distributed_training_with_flexible_runner.py \
        --use-fsdp --resume --epochs 3

On a machine without a GPU the processes use the CPU and the gloo backend. Without torchrun
the script trains in one process.
"""

from __future__ import annotations

import argparse

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import Dataset

from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from mmengine.runner import FlexibleRunner


class Block(nn.Module):
    """Two 3x3 convolutions with a residual connection."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(y)))


class TinyResNet(BaseModel):
    """A stem, two residual blocks and a linear classifier (about 2.5k parameters)."""

    def __init__(self, num_classes: int = 4, channels: int = 8) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, channels, 3, padding=1)
        self.blocks = nn.Sequential(Block(channels), Block(channels))
        self.head = nn.Linear(channels, num_classes)

    def forward(self, imgs: torch.Tensor, labels: torch.Tensor, mode: str = "tensor"):  # noqa: ANN201
        x = self.blocks(F.relu(self.stem(imgs)))
        logits = self.head(x.mean(dim=(2, 3)))
        if mode == "loss":
            return dict(loss=F.cross_entropy(logits, labels))
        if mode == "predict":
            return logits.argmax(dim=1), labels
        return logits


class ShapesDataset(Dataset):
    """Generated images: class ``k`` has a bright square in quadrant ``k``, plus noise."""

    metainfo = dict(classes=("top-left", "top-right", "bottom-left", "bottom-right"))

    def __init__(self, size: int, seed: int) -> None:
        gen = torch.Generator().manual_seed(seed)
        self.labels = torch.randint(0, 4, (size,), generator=gen)
        self.imgs = 0.3 * torch.randn(size, 3, 16, 16, generator=gen)
        for i, label in enumerate(self.labels.tolist()):
            row, col = divmod(label, 2)
            self.imgs[i, :, row * 8 + 2 : row * 8 + 6, col * 8 + 2 : col * 8 + 6] += 1.0

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, idx: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.imgs[idx], self.labels[idx]


class Accuracy(BaseMetric):
    default_prefix = "shapes"

    def process(self, data_batch, data_samples) -> None:  # noqa: ANN001
        preds, labels = data_samples
        self.results.append(dict(correct=(preds == labels).sum().item(), n=len(labels)))

    def compute_metrics(self, results: list) -> dict:
        total = sum(r["n"] for r in results)
        return dict(accuracy=100 * sum(r["correct"] for r in results) / max(total, 1))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Distributed training with FlexibleRunner")
    parser.add_argument("--local_rank", "--local-rank", type=int, default=0)
    parser.add_argument("--use-fsdp", action="store_true", help="shard with FSDPStrategy")
    parser.add_argument(
        "--fsdp-version",
        type=int,
        default=2,
        choices=(1, 2),
        help="2: fully_shard with sharded checkpoints (default); 1: FullyShardedDataParallel",
    )
    parser.add_argument("--use-deepspeed", action="store_true", help="train with DeepSpeed")
    parser.add_argument("--use-colossalai", action="store_true", help="train with ColossalAI")
    parser.add_argument("--work-dir", default="work_dirs/flexible_example")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--resume", action="store_true", help="resume from work-dir")
    parser.add_argument("--async-save", action="store_true", help="write checkpoints async")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def build_strategy(args: argparse.Namespace) -> dict | None:
    if args.use_deepspeed:
        # fp16 on GPUs, as upstream's example; float32 with DeepSpeed's CPU accelerator
        half = (
            dict(fp16=dict(enabled=True, loss_scale=0), inputs_to_half=[0])
            if torch.cuda.is_available()
            else {}
        )
        return dict(
            type="DeepSpeedStrategy",
            zero_optimization=dict(stage=2, allgather_partitions=True, overlap_comm=True),
            **half,
        )
    if args.use_colossalai:
        return dict(type="ColossalAIStrategy")
    if args.use_fsdp:
        if args.fsdp_version == 1:
            # FSDP1 as in upstream's example: a size-based auto-wrap policy, full checkpoints.
            return dict(
                type="FSDPStrategy",
                model_wrapper=dict(
                    auto_wrap_policy=dict(type="size_based_auto_wrap_policy", min_num_params=1e4)
                ),
                state_dict_cfg="full",
            )
        return dict(
            type="FSDPStrategy",
            fsdp_version=2,
            # each residual block is one sharded group; the rest is the root group
            model_wrapper=dict(shard_modules=["Block"]),
            state_dict_cfg=dict(state_dict_type="sharded", async_save=args.async_save),
        )
    return None  # DDPStrategy under torchrun, SingleDeviceStrategy in one process


def main() -> None:
    args = parse_args()
    strategy = build_strategy(args)
    optim_wrapper = dict(optimizer=dict(type="AdamW", lr=1e-2, weight_decay=1e-4))
    if args.use_deepspeed:
        optim_wrapper["type"] = "DeepSpeedOptimWrapper"
    runner = FlexibleRunner(
        model=TinyResNet(),
        work_dir=args.work_dir,
        strategy=strategy,
        train_dataloader=dict(
            batch_size=16,
            dataset=ShapesDataset(128, seed=1),
            sampler=dict(type="DefaultSampler", shuffle=True),
            collate_fn=dict(type="default_collate"),
        ),
        optim_wrapper=optim_wrapper,
        param_scheduler=dict(type="CosineAnnealingLR", T_max=args.epochs, by_epoch=True),
        train_cfg=dict(by_epoch=True, max_epochs=args.epochs, val_interval=1),
        val_dataloader=dict(
            batch_size=32,
            dataset=ShapesDataset(64, seed=2),
            sampler=dict(type="DefaultSampler", shuffle=False),
            collate_fn=dict(type="default_collate"),
        ),
        val_cfg=dict(),
        val_evaluator=dict(type=Accuracy),
        default_hooks=dict(checkpoint=dict(type="CheckpointHook", interval=1, max_keep_ckpts=2)),
        env_cfg=dict(dist_cfg=dict(backend="nccl" if torch.cuda.is_available() else "gloo")),
        randomness=dict(seed=args.seed),
        resume=args.resume,
    )
    runner.train()
    metrics = runner.val()
    if runner.rank == 0:
        print(
            f"world size: {runner.world_size}, strategy: {type(runner.strategy).__name__}, "
            f"epochs: {runner.epoch}, accuracy: {metrics['shapes/accuracy']:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
