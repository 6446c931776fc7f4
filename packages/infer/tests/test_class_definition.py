"""Import surface (N1) and the class-definition check (N2) of mmengine.infer."""

from typing import Dict, List, Sequence, Union  # noqa: UP035

import numpy as np
import pytest
import torch

import mmengine.infer
import mmengine.infer.infer as infer_module
from mmengine.config import Config, ConfigDict
from mmengine.infer import BaseInferencer

DUPLICATED = (
    "Class define error! {} should not define duplicated keys for `preprocess_kwargs`, "
    "`forward_kwargs`, `visualize_kwargs` and `postprocess_kwargs` are not allowed."
)


def test_import_paths_and_aliases():
    assert mmengine.infer.__all__ == ["BaseInferencer"]
    assert infer_module.BaseInferencer is BaseInferencer
    input_type = Union[str, np.ndarray, torch.Tensor]
    assert infer_module.InputType == input_type
    assert infer_module.InputsType == Union[input_type, Sequence[input_type]]
    assert infer_module.ImgType == Union[np.ndarray, Sequence[np.ndarray]]
    assert infer_module.ResType == Union[Dict, List[Dict]]  # noqa: UP006
    assert infer_module.ConfigType == Union[Config, ConfigDict]
    assert infer_module.ModelType == Union[dict, Config, ConfigDict, str]


def test_kwargs_sets_default_to_empty_sets():
    for attr in ("preprocess_kwargs", "forward_kwargs", "visualize_kwargs", "postprocess_kwargs"):
        assert getattr(BaseInferencer, attr) == set()
        assert isinstance(getattr(BaseInferencer, attr), set)


@pytest.mark.parametrize(
    "sets",
    [
        dict(preprocess_kwargs={"a", "b"}, visualize_kwargs={"b"}),
        dict(forward_kwargs={"x"}, postprocess_kwargs={"x", "y"}),
    ],
)
def test_duplicated_keys_fail_at_class_creation(sets):
    with pytest.raises(AssertionError) as info:
        type("Dup", (BaseInferencer,), dict(sets))
    message = str(info.value)
    assert message.startswith(DUPLICATED.format("Dup"))
    shared = (set.intersection(*[set(s) for s in sets.values()])).pop()
    assert repr(shared) in message  # says which key is shared


def test_disjoint_sets_define_fine_and_inherit_the_check():
    class Fine(BaseInferencer):
        preprocess_kwargs = {"a"}
        forward_kwargs = {"b"}
        visualize_kwargs = {"show"}
        postprocess_kwargs = {"print_result"}

    assert Fine.visualize_kwargs == {"show"}
    with pytest.raises(AssertionError, match="Class define error! Child"):

        class Child(Fine):
            postprocess_kwargs = {"a"}  # already a preprocess key of the parent


def test_a_kwargs_attribute_that_is_not_a_set_is_rejected():
    with pytest.raises(AssertionError, match="must be a set"):

        class Listed(BaseInferencer):
            preprocess_kwargs = ["a", "b"]


def test_the_workflow_methods_are_abstract():
    assert BaseInferencer.__abstractmethods__ == {"_init_pipeline", "visualize", "postprocess"}
    with pytest.raises(TypeError):
        BaseInferencer()

    class NoPostprocess(BaseInferencer):
        def _init_pipeline(self, cfg):
            return lambda x: x

        def visualize(self, inputs, preds, show=False, **kwargs):
            return None

    with pytest.raises(TypeError, match="postprocess"):
        NoPostprocess()
