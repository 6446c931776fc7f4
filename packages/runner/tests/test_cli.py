"""mmengine-train / mmengine-test: options reach the config, user errors exit 2 in one line."""

import os
import subprocess
import sys

import pytest

import mmengine._runner_cli.commands as cli
from mmengine.runner import _cli as runner_cli


@pytest.fixture
def cfg_file(tmp_path):
    path = tmp_path / "cfg.py"
    path.write_text(
        "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n"
        "train_cfg = dict(max_epochs=3)\n"
        "test_evaluator = dict(type='Accuracy')\n"
    )
    return path


@pytest.fixture
def fake_runner(monkeypatch):
    """Replace the runner: record the config the command would build it from."""
    captured = {}

    class FakeRunner:
        def train(self):
            captured["trained"] = True

        def test(self):
            captured["tested"] = True

    def fake_build(cfg):
        captured["cfg"] = cfg
        return FakeRunner()

    monkeypatch.setattr(cli, "build_runner", fake_build)
    return captured


def _user_error(capsys, main, argv):
    """Run ``main(argv)``: it must exit 2 with one error line and no traceback."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_options_reach_the_config(cfg_file, tmp_path, fake_runner, monkeypatch):
    work_dir = tmp_path / "w"
    cli.train_main([str(cfg_file), "--work-dir", str(work_dir), "--amp", "--resume",
                    "--cfg-options", "train_cfg.max_epochs=5"])  # fmt: skip
    cfg = fake_runner["cfg"]
    assert fake_runner["trained"]
    assert cfg.train_cfg.max_epochs == 5
    assert cfg.optim_wrapper.type == "AmpOptimWrapper"
    assert cfg.resume is True and cfg.load_from is None
    assert cfg.work_dir == str(work_dir) and work_dir.is_dir()
    assert cfg.launcher == "none"

    ckpt = tmp_path / "ckpt.pth"
    ckpt.write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    cli.train_main([str(cfg_file), "--resume", str(ckpt)])
    assert fake_runner["cfg"].load_from == str(ckpt) and fake_runner["cfg"].resume is True
    assert fake_runner["cfg"].work_dir == os.path.join("./work_dirs", "cfg")
    cli.train_main([str(cfg_file), "--load-from", str(ckpt)])
    assert fake_runner["cfg"].load_from == str(ckpt) and not fake_runner["cfg"].get("resume")


def test_the_historical_entry_point_is_the_same_command():
    assert runner_cli.train_main is cli.train_main and runner_cli.test_main is cli.test_main


@pytest.mark.parametrize(
    "argv,argument,words",
    [
        (["--cfg-options", "train_cfg.max_epochs"], "--cfg-options", "KEY=VALUE"),
        (["--cfg-options", "model.depths=[1,2"], "--cfg-options", "Imbalanced brackets"),
        (["--resume", "{tmp}/missing.pth"], "--resume", "does not exist"),
        (["--load-from", "{tmp}/missing.pth"], "--load-from", "does not exist"),
        (["--resume", "{tmp}"], "--resume", "is a directory"),
        (["--work-dir", "{cfg}/sub"], "--work-dir", "cannot write to work dir"),
        (["--auto-scale-lr"], "--auto-scale-lr", "base_batch_size"),
        (["--resume", "--load-from", "{cfg}"], "--load-from", "cannot be combined"),
        (["--cfg-options", "load_from={tmp}/gone.pth"], "load_from (in the config)", "gone.pth"),
    ],
)
def test_train_user_errors_exit_2_naming_the_argument(
    cfg_file, tmp_path, fake_runner, capsys, monkeypatch, argv, argument, words
):
    monkeypatch.chdir(tmp_path)  # the default work dir, ./work_dirs/cfg, is made here
    argv = [a.format(tmp=tmp_path, cfg=cfg_file) for a in argv]
    line = _user_error(capsys, cli.train_main, [str(cfg_file), *argv])
    assert argument in line and words in line
    assert "cfg" not in fake_runner  # nothing was built


def test_missing_or_broken_config(tmp_path, capsys):
    line = _user_error(capsys, cli.train_main, [str(tmp_path / "nope.py")])
    assert line.endswith(f"error: argument config: config file '{tmp_path / 'nope.py'}' does not "
                         "exist")  # fmt: skip
    broken = tmp_path / "broken.py"
    broken.write_text("model = dict(\n")
    line = _user_error(capsys, cli.train_main, [str(broken)])
    assert "argument config: cannot load" in line and "broken.py" in line
    line = _user_error(capsys, cli.train_main, ["--no-such-flag"])
    assert "unrecognized arguments" in line or "required" in line


def test_debug_shows_the_traceback(tmp_path):
    with pytest.raises(cli.UsageError, match="does not exist") as exc:
        cli.train_main([str(tmp_path / "nope.py"), "--debug"])
    assert exc.value.argument == "config"


def test_unwritable_work_dir_as_another_user(cfg_file, tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    line = _user_error(capsys, cli.train_main, [str(cfg_file), "--work-dir", str(locked / "w")])
    assert "--work-dir" in line and "Permission denied" in line


def test_test_command(cfg_file, tmp_path, fake_runner, capsys):
    ckpt = tmp_path / "ckpt.pth"
    ckpt.write_bytes(b"")
    out = str(tmp_path / "preds.pkl")
    cli.test_main([str(cfg_file), str(ckpt), "--out", out, "--work-dir", str(tmp_path / "w")])
    cfg = fake_runner["cfg"]
    assert fake_runner["tested"] and cfg.load_from == str(ckpt)
    assert cfg.test_evaluator[-1] == dict(type="DumpResults", out_file_path=out)
    fake_runner.clear()
    line = _user_error(capsys, cli.test_main, [str(cfg_file), str(ckpt), "--out", "preds.json"])
    assert "argument --out:" in line and ".pkl" in line
    line = _user_error(capsys, cli.test_main, [str(cfg_file), str(tmp_path / "no.pth")])
    assert "argument checkpoint:" in line and "does not exist" in line
    assert not fake_runner


def test_amp_on_cpu_says_it_uses_bfloat16(cfg_file, monkeypatch):
    from mmengine.config import Config

    monkeypatch.setattr("mmengine.device.get_device", lambda: "cpu")
    logged = []
    monkeypatch.setattr(cli, "_log", lambda message, level=None: logged.append(message))
    cfg = Config(dict(optim_wrapper=dict(type="AmpOptimWrapper", optimizer=dict(type="SGD"))))
    assert cli.report_amp_dtype(cfg) == "bfloat16"
    assert cfg.optim_wrapper.dtype == "bfloat16"
    assert len(logged) == 1 and "bfloat16" in logged[0] and "CPU" in logged[0]
    logged.clear()
    cfg.optim_wrapper.dtype = "float32"
    assert cli.report_amp_dtype(cfg) == "float32" and "float32" in logged[0]


def test_help_is_quick_and_imports_no_torch():
    code = (
        "import sys\n"
        "from mmengine._runner_cli import train_main, test_main, verify_resume_main\n"
        "for main in (train_main, test_main, verify_resume_main):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit as e:\n"
        "        assert e.code == 0, e.code\n"
        "    try:\n"
        "        main(['missing_config.py', 'x.pth'] if main is test_main else ['missing.py'])\n"
        "    except SystemExit as e:\n"
        "        assert e.code == 2, e.code\n"
        "heavy = sorted(m for m in ('torch', 'numpy', 'mmengine.runner') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout
    assert "usage:" in proc.stdout


@pytest.mark.parametrize(
    "argv,expected",
    [
        (
            ["--iters", "4", "--at", "4"],
            "argument --at: must be between 1 and --iters - 1 = 3, got 4",
        ),
        (
            ["--iters", "4", "--at", "0"],
            "argument --at: must be between 1 and --iters - 1 = 3, got 0",
        ),
        (["--iters", "1"], "argument --iters: needs at least 2 iterations, got 1"),
    ],
)
def test_verify_resume_user_errors(cfg_file, capsys, argv, expected):
    line = _user_error(capsys, cli.verify_resume_main, [str(cfg_file), *argv])
    assert line.endswith(f"error: {expected}")


def test_verify_resume_defaults(cfg_file, tmp_path, monkeypatch):
    seen = {}

    def fake_verify(cfg, iters, at, work_dir, sequential):
        seen.update(iters=iters, at=at, work_dir=work_dir, sequential=sequential)
        return type("Result", (), {"identical": False})()

    import mmengine.runner._verify_resume as verify_module

    monkeypatch.setattr(verify_module, "verify_resume", fake_verify)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        cli.verify_resume_main([str(cfg_file)])
    assert exc.value.code == 1  # not identical
    assert seen == dict(iters=6, at=3, sequential=False,
                        work_dir=os.path.join("./work_dirs", "cfg", "verify_resume"))  # fmt: skip


def test_tensor_hashes_see_every_bit():
    import torch

    from mmengine.runner._verify_resume import tensor_hashes

    a = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    b = a.clone()
    b.view(-1)[4] = torch.nextafter(b.view(-1)[4], torch.tensor(10.0))  # one ulp
    hashes = tensor_hashes({"w": a, "same": a.clone(), "t": a.t(), "steps": 3})
    assert set(hashes) == {"w", "same", "t"}  # non-tensors are skipped
    assert hashes["w"] == hashes["same"]
    assert tensor_hashes({"w": b})["w"] != hashes["w"]
    assert tensor_hashes({"w": a.double()})["w"] != hashes["w"]  # the dtype counts
    assert tensor_hashes({"w": a.reshape(3, 2)})["w"] != hashes["w"]  # so does the shape


@pytest.mark.parametrize(
    ("loaders", "evaluator", "expected"),
    [
        # named datasets, one evaluator config shared: one evaluator list (and file) per name
        ("dict(a=dict(dataset=1), b=dict(dataset=2))", "dict(type='Accuracy')",
         {"a": [{"type": "Accuracy"}, "preds_a.pkl"], "b": [{"type": "Accuracy"}, "preds_b.pkl"]}),
        # a list of datasets with one evaluator each: paired by position, files by index
        ("[dict(dataset=1), dict(dataset=2)]", "[dict(type='A'), dict(type='B')]",
         [[{"type": "A"}, "preds_0.pkl"], [{"type": "B"}, "preds_1.pkl"]]),
        # named evaluators
        ("dict(a=dict(dataset=1), b=dict(dataset=2))", "dict(b=dict(type='B'), a=dict(type='A'))",
         {"a": [{"type": "A"}, "preds_a.pkl"], "b": [{"type": "B"}, "preds_b.pkl"]}),
    ],
)  # fmt: skip
def test_out_with_several_test_datasets_dumps_one_file_each(
    tmp_path, fake_runner, loaders, evaluator, expected
):
    cfg_file = tmp_path / "multi.py"
    cfg_file.write_text(f"test_dataloader = {loaders}\ntest_evaluator = {evaluator}\n")
    ckpt = tmp_path / "ckpt.pth"
    ckpt.write_bytes(b"")
    out = str(tmp_path / "preds.pkl")
    cli.test_main([str(cfg_file), str(ckpt), "--out", out, "--work-dir", str(tmp_path / "w")])
    got = fake_runner["cfg"].test_evaluator

    def simplify(group):
        *rest, dump = group
        assert dump["type"] == "DumpResults"
        return [dict(rest[0]), os.path.basename(dump["out_file_path"])]

    if isinstance(expected, dict):
        assert {k: simplify(v) for k, v in got.items()} == expected
    else:
        assert [simplify(v) for v in got] == expected
