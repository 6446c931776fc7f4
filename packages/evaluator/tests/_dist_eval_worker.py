"""Worker of the 2-process gloo test: evaluate a metric over interleaved shards.

Started by test_metric_distributed.py with RANK, WORLD_SIZE, MASTER_ADDR and
MASTER_PORT set; argv: collect_dir, output json path. It evaluates three times:
through a temporary collect directory, through the given one, and with
collect_device='gpu' (object collectives, which gloo runs on CPU). Then a
metric whose compute_metrics fails on rank 0: every rank must raise (none may
hang in the broadcast of the metrics).
"""

from __future__ import annotations

import json
import sys

import torch.distributed as torch_dist

from mmengine.evaluator import BaseMetric, Evaluator

SIZE = 7


class OrderMetric(BaseMetric):
    default_prefix = "order"

    def process(self, data_batch, data_samples):
        self.results.extend(s["idx"] for s in data_samples)

    def compute_metrics(self, results):
        return dict(order=list(results), count=len(results))


class BrokenMetric(BaseMetric):
    default_prefix = "broken"

    def process(self, data_batch, data_samples):
        self.results.extend(data_samples)

    def compute_metrics(self, results):
        return [len(results)]  # not a dict


def main() -> None:
    collect_dir, out = sys.argv[1], sys.argv[2]
    torch_dist.init_process_group("gloo")
    rank, world = torch_dist.get_rank(), torch_dist.get_world_size()
    # the DefaultSampler pattern: pad to a multiple of the world size, interleave
    total = -(-SIZE // world) * world
    indices = [i % SIZE for i in range(rank, total, world)]
    runs = []
    for device, directory in (("cpu", None), ("cpu", collect_dir), ("gpu", None)):
        metric = OrderMetric(collect_device=device, collect_dir=directory)
        evaluator = Evaluator(metric)
        for start in range(0, len(indices), 2):
            evaluator.process([dict(idx=i) for i in indices[start : start + 2]])
        runs.append(dict(metrics=evaluator.evaluate(SIZE), left=len(metric.results)))
    failures = []
    for device in ("cpu", "gpu"):
        evaluator = Evaluator(BrokenMetric(collect_device=device))
        evaluator.process([dict(idx=i) for i in indices])
        try:
            evaluator.evaluate(SIZE)
        except Exception as exc:  # noqa: BLE001 - recorded for the test
            failures.append([exc.__class__.__name__, isinstance(exc, TypeError), str(exc)])
    with open(f"{out}.{rank}", "w") as f:
        json.dump(dict(runs=runs, failures=failures), f)
    # leave together: on torch 2.1 a gloo rank destroying its group after its peer has
    # exited can block forever
    torch_dist.barrier()
    torch_dist.destroy_process_group()


if __name__ == "__main__":
    main()
