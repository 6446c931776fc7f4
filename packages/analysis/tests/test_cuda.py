"""The analysis works on CUDA models (dummy inputs follow the model's device)."""

import pytest
import torch
from analysis_models import TinyResNet

from mmengine.analysis import FlopAnalyzer, get_model_complexity_info


@pytest.mark.skipif(not torch.cuda.is_available(), reason="requires CUDA")
def test_cuda_model_matches_cpu_counts():
    model = TinyResNet().eval()
    x = torch.randn(1, 3, 8, 8)
    cpu = FlopAnalyzer(model, (x,)).unsupported_ops_warnings(False).total()
    model = model.cuda()
    info = get_model_complexity_info(model, input_shape=(3, 8, 8), show_arch=False)
    assert info["flops"] == cpu
    assert FlopAnalyzer(model, (x.cuda(),)).total() == cpu
