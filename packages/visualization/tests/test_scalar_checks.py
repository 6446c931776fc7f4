def test_add_scalars_rejects_a_non_dict_and_a_step_key(tmp_path):
    import pytest

    from mmengine.visualization import LocalVisBackend, TensorboardVisBackend

    local = LocalVisBackend(str(tmp_path / "local"))
    with pytest.raises(AssertionError, match="LocalVisBackend.add_scalars expects a dict"):
        local.add_scalars([1, 2])
    local.add_scalars({"step": 3, "loss": 1.0})  # the local backend takes 'step' from the dict
    tb = TensorboardVisBackend(str(tmp_path / "tb"))
    with pytest.raises(AssertionError, match="Please set it directly through the step parameter"):
        tb.add_scalars({"step": 3, "loss": 1.0})
