"""Worker for test_sync_buffers_distributed: two gloo ranks average their BN buffers."""

import sys

import torch
import torch.distributed as dist
from torch import nn


def main(rank: int, init_file: str, out_file: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
    from types import SimpleNamespace

    from mmengine.hooks import SyncBuffersHook

    model = nn.BatchNorm1d(2)
    model.running_mean.fill_(float(rank))  # 0 on rank 0, 1 on rank 1
    hook = SyncBuffersHook()
    hook.after_train_epoch(SimpleNamespace(model=model))
    if rank == 0:
        torch.save(model.running_mean.clone(), out_file)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
