import pytest

from mmengine.runner import _cli


def test_missing_config_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="does not exist"):
        _cli.train_main([str(tmp_path / "nope.py")])


def test_options_reach_the_config(tmp_path, monkeypatch):
    cfg_file = tmp_path / "cfg.py"
    cfg_file.write_text(
        "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\ntrain_cfg = dict(max_epochs=3)\n"
    )
    captured = {}

    class FakeRunner:
        def train(self):
            captured["trained"] = True

    def fake_build(cfg):
        captured["cfg"] = cfg
        return FakeRunner()

    monkeypatch.setattr(_cli, "_build_runner", fake_build)
    _cli.train_main(
        [
            str(cfg_file),
            "--work-dir",
            str(tmp_path / "w"),
            "--amp",
            "--resume",
            "--cfg-options",
            "train_cfg.max_epochs=5",
        ]
    )
    cfg = captured["cfg"]
    assert captured["trained"]
    assert cfg.train_cfg.max_epochs == 5
    assert cfg.optim_wrapper.type == "AmpOptimWrapper"
    assert cfg.resume is True and cfg.load_from is None
    assert cfg.work_dir == str(tmp_path / "w")
    assert cfg.launcher == "none"

    _cli.train_main([str(cfg_file), "--resume", "ckpt.pth"])
    assert captured["cfg"].load_from == "ckpt.pth"
    assert captured["cfg"].work_dir.endswith("cfg")


def test_test_command_loads_the_checkpoint_and_dumps_predictions(tmp_path, monkeypatch):
    cfg_file = tmp_path / "cfg.py"
    cfg_file.write_text("test_evaluator = dict(type='Accuracy')\n")
    captured = {}

    class FakeRunner:
        def test(self):
            captured["tested"] = True

    def fake_build(cfg):
        captured["cfg"] = cfg
        return FakeRunner()

    monkeypatch.setattr(_cli, "_build_runner", fake_build)
    _cli.test_main([str(cfg_file), "ckpt.pth", "--out", str(tmp_path / "preds.pkl")])
    cfg = captured["cfg"]
    assert captured["tested"] and cfg.load_from == "ckpt.pth"
    assert cfg.test_evaluator[-1] == dict(
        type="DumpResults", out_file_path=str(tmp_path / "preds.pkl")
    )
    with pytest.raises(SystemExit, match="pkl"):
        _cli.test_main([str(cfg_file), "ckpt.pth", "--out", "preds.json"])
