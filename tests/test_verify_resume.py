"""mmengine-verify-resume: identical on the bundled example, a difference when resume is broken.

Each case runs the verifier as a user would (``python -m mmengine.runner._verify_resume``,
the module behind the ``mmengine-verify-resume`` script), which itself trains in fresh
processes.
"""

import os.path as osp
import subprocess
import sys
import textwrap

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

# A toy problem: 8 samples, batches of 2 (4 iterations per epoch), dropout (so the random
# generators must be restored), a shuffled sampler, momentum SGD and an LR schedule.
TOY_MODULE = textwrap.dedent(
    """
    import torch
    from torch import nn
    from torch.utils.data import Dataset

    from mmengine.hooks import Hook
    from mmengine.model import BaseModel
    from mmengine.registry import DATASETS, HOOKS, MODELS


    @MODELS.register_module()
    class VerifyToyModel(BaseModel):
        def __init__(self, p=0.5):
            super().__init__()
            self.linear1 = nn.Linear(4, 8)
            self.dropout = nn.Dropout(p)
            self.linear2 = nn.Linear(8, 1)

        def forward(self, inputs, data_samples=None, mode="tensor"):
            out = self.linear2(self.dropout(torch.relu(self.linear1(inputs))))
            if mode == "loss":
                return dict(loss=((out.squeeze(1) - data_samples) ** 2).mean())
            return out


    @DATASETS.register_module()
    class VerifyToyDataset(Dataset):
        metainfo = dict()

        def __init__(self):
            g = torch.Generator().manual_seed(1)
            self.x = torch.randn(8, 4, generator=g)
            self.y = torch.randn(8, generator=g)

        def __len__(self):
            return 8

        def __getitem__(self, i):
            return dict(inputs=self.x[i], data_samples=self.y[i])


    @HOOKS.register_module()
    class PerturbAfterResumeHook(Hook):
        \"\"\"Deliberately broken resume: nudges a weight when the run starts resumed.\"\"\"

        def before_train(self, runner):
            if runner.iter > 0:
                with torch.no_grad():
                    runner.model.linear2.bias.add_(1e-3)
    """
)

TOY_CONFIG = textwrap.dedent(
    """
    custom_imports = dict(imports=["verify_toy"], allow_failed_imports=False)
    model = dict(type="VerifyToyModel")
    train_dataloader = dict(
        dataset=dict(type="VerifyToyDataset"),
        sampler=dict(type="DefaultSampler", shuffle=True),
        batch_size=2,
        num_workers=0,
        collate_fn=dict(type="default_collate"),
    )
    train_cfg = dict(by_epoch=True, max_epochs=3)
    optim_wrapper = dict(optimizer=dict(type="SGD", lr=0.1, momentum=0.9))
    param_scheduler = [dict(type="LinearLR", start_factor=0.5, by_epoch=False, begin=0, end=5)]
    default_hooks = dict(checkpoint=dict(type="CheckpointHook", interval=1))
    randomness = dict(seed=3)
    """
)


def _verify(cwd, *args):
    return subprocess.run(
        [sys.executable, "-m", "mmengine.runner._verify_resume", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture
def toy(tmp_path):
    (tmp_path / "verify_toy.py").write_text(TOY_MODULE)
    (tmp_path / "toy_cfg.py").write_text(TOY_CONFIG)
    return tmp_path


def test_identical_on_the_bundled_example(tmp_path):
    proc = _verify(ROOT, "examples/digits/digits_cnn.py", "--work-dir", str(tmp_path),
                   "--iters", "4", "--at", "2")  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "IDENTICAL: all 16 tensors of the model match at every iteration from 2 to 4" in (
        proc.stdout
    )
    for run in ("straight", "interrupted", "resumed"):
        assert osp.isfile(tmp_path / run / "weight_hashes.json")
    assert osp.isfile(tmp_path / "interrupted" / "verify_resume_iter_2.pth")


def test_identical_mid_epoch_with_dropout(toy):
    proc = _verify(toy, "toy_cfg.py", "--work-dir", str(toy / "w"), "--iters", "7", "--at", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "IDENTICAL" in proc.stdout


def test_reports_the_first_difference_when_resume_is_broken(toy):
    (toy / "broken_cfg.py").write_text(
        "_base_ = ['toy_cfg.py']\ncustom_hooks = [dict(type='PerturbAfterResumeHook')]\n"
    )
    proc = _verify(toy, "broken_cfg.py", "--work-dir", str(toy / "w"), "--iters", "6", "--at", "3")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        "DIFFERENT at iteration 3 (the weights loaded on resume): tensor 'linear2.bias' differs."
        in proc.stdout
    ), proc.stdout


def test_a_run_shorter_than_iters_is_reported(toy):
    proc = _verify(toy, "toy_cfg.py", "--work-dir", str(toy / "w"), "--iters", "20", "--at", "13")
    assert proc.returncode == 1
    assert "the run ends after 12 iterations, before --iters 20" in proc.stdout
