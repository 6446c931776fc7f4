"""mmengine.visualization.utils helpers."""

import numpy as np
import pytest
import torch

from mmengine.visualization.utils import (
    check_length,
    check_type,
    check_type_and_length,
    color_str2rgb,
    color_val_matplotlib,
    convert_overlay_heatmap,
    get_adaptive_scale,
    tensor2ndarray,
    value2list,
)


def test_check_helpers():
    check_type("x", 1, int)
    with pytest.raises(TypeError) as info:
        check_type("x", "1", (int, float))
    # 0.10.7's message (recorded), two spaces before "but" included.
    assert (
        str(info.value) == "`x` should be (<class 'int'>, <class 'float'>)  but got <class 'str'>"
    )
    check_length("colors", ["r", "g"], 2)
    check_length("colors", "r", 5)  # single values are not checked
    with pytest.raises(AssertionError, match="colors"):
        check_length("colors", ["r"], 2)
    with pytest.raises(TypeError):
        check_type_and_length("colors", 3, (str, list), 1)
    with pytest.raises(AssertionError):
        check_type_and_length("colors", ["r"], (str, list), 3)


def test_value2list_and_tensor2ndarray():
    assert value2list("r", str, 3) == ["r", "r", "r"]
    assert value2list(["r", "g"], str, 3) == ["r", "g"]
    arr = tensor2ndarray(torch.tensor([1.0, 2.0], requires_grad=True))
    assert isinstance(arr, np.ndarray) and arr.tolist() == [1.0, 2.0]
    original = np.zeros(2)
    assert tensor2ndarray(original) is original


def test_colors():
    assert color_val_matplotlib("g") == "g"
    assert color_val_matplotlib((255, 0, 51)) == (1.0, 0.0, 0.2)
    assert color_val_matplotlib(["r", (0, 255, 0)]) == ["r", (0.0, 1.0, 0.0)]
    with pytest.raises(AssertionError):
        color_val_matplotlib((256, 0, 0))
    with pytest.raises(TypeError):
        color_val_matplotlib(3)
    assert color_str2rgb("red") == (255, 0, 0)
    assert color_str2rgb("b") == (0, 0, 255)
    with pytest.raises(ValueError):
        color_str2rgb("not-a-colour")


def test_convert_overlay_heatmap():
    feat = torch.arange(16, dtype=torch.float32).reshape(4, 4)
    heat = convert_overlay_heatmap(feat)
    assert heat.shape == (4, 4, 3) and heat.dtype == np.uint8
    # 'jet': the minimum is blue, the maximum is red.
    assert heat[0, 0].argmax() == 2 and heat[-1, -1].argmax() == 0
    img = np.full((4, 4, 3), 200, np.uint8)
    blended = convert_overlay_heatmap(feat[None], img, alpha=0.0)
    np.testing.assert_array_equal(blended, img)
    assert convert_overlay_heatmap(torch.ones(4, 4)).shape == (4, 4, 3)  # constant map
    with pytest.raises(AssertionError):
        convert_overlay_heatmap(torch.rand(2, 4, 4))


def test_get_adaptive_scale():
    assert get_adaptive_scale((224, 448)) == 1.0
    assert get_adaptive_scale((10, 10)) == 0.3
    assert get_adaptive_scale((5000, 5000)) == 3.0
