"""mmengine-plot: curves from the scalars.json files LocalVisBackend writes."""

import os
import subprocess
import sys

import pytest

from mmengine.visualization import LocalVisBackend
from mmengine.visualization.plot import curve, main, read_scalars


def write_run(work_dir, timestamp="20240101_000000", lr=0.1, epochs=2, iters_per_epoch=4):
    """A run logged as the Runner logs it: train rows every 2 iterations, val once an epoch."""
    backend = LocalVisBackend(str(work_dir / timestamp / "vis_data"))
    it = 0
    for epoch in range(1, epochs + 1):
        for _ in range(iters_per_epoch // 2):
            it += 2
            row = {"lr": lr, "loss": 1.0 / it, "time": 0.1, "epoch": epoch, "iter": it}
            backend.add_scalars(row, step=it)
        backend.add_scalars({"accuracy": 50.0 + 10 * epoch, "time": 0.2}, step=epoch)
    backend.close()
    return str(work_dir / timestamp / "vis_data" / "scalars.json")


def test_curve_places_rows_without_the_axis_and_averages_equal_x(tmp_path):
    rows = read_scalars(write_run(tmp_path))
    # Train rows at their iteration; validation (no iter) at the latest logged iteration.
    assert curve(rows, "loss", "iter") == ([2, 4, 6, 8], [1 / 2, 1 / 4, 1 / 6, 1 / 8])
    assert curve(rows, "accuracy", "iter") == ([4, 8], [60.0, 70.0])
    # By epoch: losses of one epoch are averaged; validation is at its epoch.
    assert curve(rows, "loss", "epoch") == ([1, 2], [(1 / 2 + 1 / 4) / 2, (1 / 6 + 1 / 8) / 2])
    assert curve(rows, "accuracy", "epoch") == ([1, 2], [60.0, 70.0])
    # The raw step: validation rows use the epoch as their step.
    assert curve(rows, "accuracy", "step") == ([1, 2], [60.0, 70.0])


def test_curve_skips_values_that_are_not_numbers():
    rows = [{"iter": 1, "loss": [1, 2]}, {"iter": 2, "loss": "nan?"}, {"iter": 3, "loss": 0.5}]
    assert curve(rows, "loss", "iter") == ([3], [0.5])


def test_two_runs_side_by_side(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from PIL import Image

    a = write_run(tmp_path / "run_a", lr=0.1)
    write_run(tmp_path / "run_b", lr=0.01)
    out = tmp_path / "plots" / "curves.png"
    # A file and a work dir (searched for vis_data/scalars.json) may be mixed.
    code = main([a, str(tmp_path / "run_b"), "--keys", "loss", "accuracy", "--out", str(out)])
    assert code == 0
    assert "Saved loss, accuracy against iter of 2 runs" in capsys.readouterr().out
    with Image.open(out) as img:
        assert img.format == "PNG"
        width, height = img.size
    assert width > height > 100  # two subplots side by side

    from matplotlib.figure import Figure

    figures = []
    original = Figure.savefig

    def keep(self, *args, **kwargs):
        figures.append(self)
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Figure, "savefig", keep)
        assert main([a, str(tmp_path / "run_b"), "--keys", "lr", "--out", str(out)]) == 0
    (ax,) = [ax for ax in figures[0].axes if ax.get_visible()]
    assert ax.get_title() == "lr"
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["run_a/20240101_000000", "run_b/20240101_000000"]
    assert [line.get_ydata()[0] for line in ax.get_lines()] == [0.1, 0.01]


def test_mistakes_exit_2_with_one_message(tmp_path, capsys):
    run = write_run(tmp_path / "run")
    assert main([str(tmp_path / "missing.json"), "--keys", "loss"]) == 2
    err = capsys.readouterr().err
    assert "missing.json: no such file or folder" in err and "Traceback" not in err

    assert main([run, "--keys", "loss", "acc"]) == 2
    err = capsys.readouterr().err
    assert "has the key 'acc'" in err
    assert "the keys there are: accuracy, epoch, iter, loss, lr, step, time" in err

    bad = tmp_path / "bad.json"
    bad.write_text('{"loss": 1, "iter": 1}\n{"loss": \n')
    assert main([str(bad), "--keys", "loss"]) == 2
    assert f"{bad}:2: not valid JSON" in capsys.readouterr().err

    no_epoch = tmp_path / "iter_based.json"
    no_epoch.write_text('{"loss": 1, "iter": 1, "step": 1}\n')
    assert main([str(no_epoch), "--keys", "loss", "--x", "epoch"]) == 2
    assert "has 'epoch'" in capsys.readouterr().err

    os.makedirs(tmp_path / "empty")
    assert main([str(tmp_path / "empty"), "--keys", "loss"]) == 2
    assert "without any vis_data/scalars.json" in capsys.readouterr().err

    with pytest.raises(SystemExit) as exc:  # argparse: --keys is required
        main([run])
    assert exc.value.code == 2


def test_a_last_line_cut_short_by_a_killed_run_is_left_out(tmp_path, capsys):
    cut = tmp_path / "cut.json"
    cut.write_text('{"loss": 1, "iter": 1}\n{"loss": 0.5, "iter": 2}\n{"loss": 0.2, "it')
    assert read_scalars(str(cut)) == [{"loss": 1, "iter": 1}, {"loss": 0.5, "iter": 2}]
    assert f"{cut}:3: the last line is cut short" in capsys.readouterr().err
    cut.write_text('{"loss": 1, "iter": 1}\n{"loss": 0.5, "it\n{"loss": 0.2, "iter": 3}\n')
    with pytest.raises(Exception, match=":2: not valid JSON"):  # in the middle: an error
        read_scalars(str(cut))


def test_missing_matplotlib_is_one_clear_message(tmp_path, monkeypatch, capsys):
    run = write_run(tmp_path / "run")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.delitem(sys.modules, "matplotlib.figure", raising=False)
    monkeypatch.delitem(sys.modules, "matplotlib.backends.backend_agg", raising=False)
    assert main([run, "--keys", "loss", "--out", str(tmp_path / "c.png")]) == 2
    err = capsys.readouterr().err
    assert "pip install mmengine-ng-visualization[matplotlib]" in err
    assert not (tmp_path / "c.png").exists()


def test_python_dash_m(tmp_path):
    pytest.importorskip("matplotlib")
    run = write_run(tmp_path / "run")
    out = tmp_path / "c.png"
    proc = subprocess.run(
        [sys.executable, "-m", "mmengine.visualization.plot", run, "--keys", "loss"]
        + ["--x", "epoch", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and out.stat().st_size > 1000


def test_help_is_argparse_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: mmengine-plot") and "--x {iter,epoch,step}" in out


def test_help_and_argument_errors_import_no_torch(tmp_path):
    """The installed ``mmengine-plot`` answers --help and mistakes without importing torch
    (nor the Visualizer's package, which imports it): ~0.03 s instead of ~2 s."""
    code = (
        "import sys\n"
        "from importlib.metadata import entry_points\n"
        "(ep,) = entry_points(group='console_scripts', name='mmengine-plot')\n"
        "main = ep.load()\n"
        "for argv in (['--help'], [sys.argv[1]], [sys.argv[1], '--keys', 'loss', '--x', 'x']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as exc:\n"
        "        print('EXIT', exc.code)\n"
        "print('CODE', main([sys.argv[1], '--keys', 'loss']))\n"
        "heavy = ('torch', 'numpy', 'mmengine.visualization')\n"
        "print('HEAVY', sorted(name for name in heavy if name in sys.modules))\n"
    )
    missing = str(tmp_path / "missing.json")
    proc = subprocess.run(
        [sys.executable, "-c", code, missing], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: mmengine-plot")
    assert proc.stdout.count("EXIT 2") == 2 and "EXIT 0" in proc.stdout
    assert "CODE 2" in proc.stdout and "missing.json: no such file or folder" in proc.stderr
    assert "HEAVY []" in proc.stdout
