"""The hooks' deprecated ``file_client``: made when read, so a run that never reads it logs no
deprecation warning about a FileClient the user did not ask for."""

import pytest

import mmengine.fileio.file_client as file_client_module
from mmengine.fileio import FileClient
from mmengine.hooks import CheckpointHook, LoggerHook


@pytest.fixture
def deprecations(monkeypatch):
    said = []
    monkeypatch.setattr(file_client_module, "_deprecation", said.append)
    return said


def test_a_default_run_logs_no_file_client_deprecation(make_runner, deprecations):
    checkpoint, logger = CheckpointHook(interval=1), LoggerHook(out_dir=None)
    runner = make_runner(max_epochs=1, hooks=[checkpoint, logger])
    runner.train()
    assert deprecations == []
    # 0.10 code reading the attribute still gets a client for the out_dir, and the warning
    client = checkpoint.file_client
    assert isinstance(client, FileClient) and client.name == "HardDiskBackend"
    assert any("FileClient" in message for message in deprecations)
    assert checkpoint.file_client is client  # made once


def test_logger_hook_out_dir_client_on_read(tmp_path, deprecations):
    hook = LoggerHook(out_dir=str(tmp_path))
    assert deprecations == []
    assert isinstance(hook.file_client, FileClient)
    assert deprecations


def test_explicit_file_client_args_still_write_through_the_client(tmp_path):
    hook = LoggerHook(out_dir=str(tmp_path), file_client_args=dict(backend="disk"))
    assert isinstance(hook.file_client, FileClient)
    assert hook.file_backend is hook.file_client
