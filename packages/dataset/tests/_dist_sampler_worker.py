"""Worker of the 2-process gloo sampler test.

Started by test_sampler_distributed.py with RANK, WORLD_SIZE, MASTER_ADDR and
MASTER_PORT set; argv: output json path prefix.
"""

from __future__ import annotations

import itertools
import json
import sys

import torch.distributed as torch_dist

from mmengine.dataset import DefaultSampler, InfiniteSampler


def main() -> None:
    out = sys.argv[1]
    torch_dist.init_process_group("gloo")
    rank = torch_dist.get_rank()
    default = DefaultSampler(list(range(11)), seed=None)  # seed synced from rank 0
    default.set_epoch(3)
    infinite = InfiniteSampler(list(range(5)), seed=None)
    resumed = DefaultSampler(list(range(11)), seed=default.seed)
    resumed.skip(2)
    resumed.set_epoch(3)
    result = dict(
        rank=rank,
        seeds=[default.seed, infinite.seed],
        default=list(default),
        length=len(default),
        infinite=list(itertools.islice(iter(infinite), 6)),
        resumed=list(resumed),
    )
    with open(f"{out}.{rank}", "w") as f:
        json.dump(result, f)
    # leave together: on torch 2.1 a gloo rank destroying its group after its peer has
    # exited can block forever
    torch_dist.barrier()
    torch_dist.destroy_process_group()


if __name__ == "__main__":
    main()
