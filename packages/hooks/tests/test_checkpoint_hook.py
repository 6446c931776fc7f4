"""CheckpointHook: intervals, max_keep_ckpts, save_best, last_checkpoint, publishing, resume."""

import os
import os.path as osp

import pytest
import torch

from mmengine.hooks import CheckpointHook
from mmengine.logging import MessageHub


def _ckpts(work_dir):
    return sorted(f for f in os.listdir(work_dir) if f.endswith(".pth"))


def _pointer(work_dir):
    with open(osp.join(work_dir, "last_checkpoint")) as f:
        return f.read()


def test_saves_every_interval_epochs_and_last(make_runner):
    hook = CheckpointHook(interval=2)
    runner = make_runner(max_epochs=5, hooks=[hook])
    runner.train()
    assert _ckpts(runner.work_dir) == ["epoch_2.pth", "epoch_4.pth", "epoch_5.pth"]
    assert _pointer(runner.work_dir) == osp.join(runner.work_dir, "epoch_5.pth")
    ckpt = torch.load(osp.join(runner.work_dir, "epoch_4.pth"), weights_only=False)
    assert ckpt["meta"]["epoch"] == 4
    assert "optimizer" in ckpt


def test_save_last_false_and_save_begin(make_runner):
    hook = CheckpointHook(interval=2, save_last=False, save_begin=3)
    runner = make_runner(max_epochs=6, hooks=[hook])
    runner.train()
    assert _ckpts(runner.work_dir) == ["epoch_3.pth", "epoch_5.pth"]


def test_by_iter_with_filename_tmpl(make_runner):
    hook = CheckpointHook(interval=3, by_epoch=False, filename_tmpl="model_{}.pth")
    runner = make_runner(max_epochs=2, iters_per_epoch=4, hooks=[hook])  # 4 batches of 2
    runner.train()
    assert runner.max_iters == 8
    assert _ckpts(runner.work_dir) == ["model_3.pth", "model_6.pth", "model_8.pth"]
    assert CheckpointHook(by_epoch=False).filename_tmpl == "iter_{}.pth"


def test_max_keep_ckpts_deletes_after_saving(make_runner):
    hook = CheckpointHook(interval=1, max_keep_ckpts=2)
    runner = make_runner(max_epochs=4, hooks=[hook])
    existed_when_saving = []
    original = runner.save_checkpoint

    def spy(out_dir, filename, *args, **kwargs):
        existed_when_saving.append(sorted(_ckpts(out_dir)))
        original(out_dir, filename, *args, **kwargs)

    runner.save_checkpoint = spy
    runner.train()
    assert _ckpts(runner.work_dir) == ["epoch_3.pth", "epoch_4.pth"]
    # When epoch_3 was being written, epoch_1 (to be dropped) was still on disk.
    assert existed_when_saving[2] == ["epoch_1.pth", "epoch_2.pth"]
    assert runner.message_hub.get_info("keep_ckpt_ids") == [3, 4]


def test_failed_save_keeps_previous_checkpoint_and_pointer(make_runner):
    hook = CheckpointHook(interval=1, max_keep_ckpts=1)
    runner = make_runner(max_epochs=3, hooks=[hook])
    runner.call_hook("before_train")
    runner.run_train_epoch()
    assert _ckpts(runner.work_dir) == ["epoch_1.pth"]

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    runner.save_checkpoint = crash
    with pytest.raises(KeyboardInterrupt):
        runner.run_train_epoch()
    assert _ckpts(runner.work_dir) == ["epoch_1.pth"]
    assert _pointer(runner.work_dir) == osp.join(runner.work_dir, "epoch_1.pth")


def test_keep_ckpt_ids_survive_resume(make_runner):
    hook = CheckpointHook(interval=1, max_keep_ckpts=2)
    runner = make_runner(max_epochs=3, hooks=[hook])
    runner.train()
    state = runner.message_hub.state_dict()

    hook2 = CheckpointHook(interval=1, max_keep_ckpts=1)
    runner2 = make_runner(max_epochs=5, hooks=[hook2])
    runner2.message_hub.load_state_dict(state)
    runner2.call_hook("before_train")
    # The surplus kept checkpoint from the first run is removed.
    assert _ckpts(runner.work_dir) == ["epoch_3.pth"]
    assert list(hook2.keep_ckpt_ids) == [3]


def test_out_dir_joins_work_dir_basename(make_runner, tmp_path):
    out = tmp_path / "remote"
    hook = CheckpointHook(interval=1, out_dir=str(out))
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.train()
    assert hook.out_dir == osp.join(str(out), "exp")
    assert _ckpts(hook.out_dir) == ["epoch_1.pth"]
    expected = osp.join(str(out), "exp", "epoch_1.pth")
    assert _pointer(runner.work_dir) == expected
    assert _pointer(hook.out_dir) == expected


def test_save_best_single_metric(make_runner):
    hook = CheckpointHook(interval=1, save_best="acc", max_keep_ckpts=1)
    runner = make_runner(max_epochs=3, hooks=[hook])
    runner.train(metrics=[{"acc": 0.5}, {"acc": 0.8}, {"acc": 0.6}])
    names = _ckpts(runner.work_dir)
    assert "best_acc_epoch_2.pth" in names and "best_acc_epoch_1.pth" not in names
    assert runner.message_hub.get_info("best_score") == 0.8
    assert runner.message_hub.get_info("best_ckpt") == osp.join(
        runner.work_dir, "best_acc_epoch_2.pth"
    )
    assert hook.rules == ["greater"]
    # The latest checkpoint saved after the improvement records the new best.
    ckpt = torch.load(osp.join(runner.work_dir, "epoch_3.pth"), weights_only=False)
    assert ckpt["message_hub"]["runtime_info"]["best_score"] == 0.8
    best = torch.load(osp.join(runner.work_dir, "best_acc_epoch_2.pth"), weights_only=False)
    assert "optimizer" not in best


def test_save_best_auto_and_less_rule(make_runner):
    hook = CheckpointHook(interval=1, save_best="auto")
    runner = make_runner(max_epochs=3, hooks=[hook])
    runner.train(metrics=[{"loss": 1.0, "acc": 0.1}, {"loss": 2.0, "acc": 0.9}, {"loss": 0.5}])
    assert hook.key_indicators == ["loss"] and hook.rules == ["less"]
    assert "best_loss_epoch_3.pth" in _ckpts(runner.work_dir)
    assert runner.message_hub.get_info("best_score") == 0.5


def test_save_best_multiple_metrics(make_runner):
    hook = CheckpointHook(interval=1, save_best=["acc", "mIoU/x"], rule=["greater", "less"])
    runner = make_runner(max_epochs=2, hooks=[hook])
    runner.train(metrics=[{"acc": 0.5, "mIoU/x": 0.5}, {"acc": 0.7, "mIoU/x": 0.7}])
    names = _ckpts(runner.work_dir)
    assert "best_acc_epoch_2.pth" in names
    assert "best_mIoU_x_epoch_1.pth" in names  # '/' replaced
    assert runner.message_hub.get_info("best_score_acc") == 0.7
    assert runner.message_hub.get_info("best_score_mIoU/x") == 0.5


def test_save_best_on_dataset_prefixed_keys(make_runner):
    # several validation datasets: the metrics of each carry its name (``coco/``, ``voc/``)
    hook = CheckpointHook(interval=1, save_best=["coco/bbox_mAP", "voc/loss"])
    assert hook.rules == ["greater", "less"]
    runner = make_runner(max_epochs=2, hooks=[hook])
    runner.train(metrics=[{"coco/bbox_mAP": 0.3, "voc/loss": 0.2},
                          {"coco/bbox_mAP": 0.4, "voc/loss": 0.9}])  # fmt: skip
    names = _ckpts(runner.work_dir)
    assert "best_coco_bbox_mAP_epoch_2.pth" in names and "best_voc_loss_epoch_1.pth" in names
    assert "best_coco_bbox_mAP_epoch_1.pth" not in names
    assert runner.message_hub.get_info("best_ckpt_voc/loss") == osp.join(
        runner.work_dir, "best_voc_loss_epoch_1.pth"
    )


def test_save_best_auto_takes_the_first_prefixed_key(make_runner):
    hook = CheckpointHook(interval=1, save_best="auto")
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.train(metrics=[{"coco/acc": 0.5, "voc/acc": 0.9}])
    assert hook.key_indicators == ["coco/acc"]
    assert "best_coco_acc_epoch_1.pth" in _ckpts(runner.work_dir)


def test_empty_metrics_skip_best(make_runner):
    hook = CheckpointHook(interval=1, save_best="acc")
    runner = make_runner(max_epochs=1, hooks=[hook])
    runner.train(metrics=[{}])
    assert _ckpts(runner.work_dir) == ["epoch_1.pth"]


@pytest.mark.parametrize(
    "key,rule",
    [("acc", "greater"), ("top1_acc", "greater"), ("mAP", "greater"), ("AR@100", "greater"),
     ("val_loss", "less"), ("LOSS", "less")],
)  # fmt: skip
def test_rule_inference(key, rule):
    assert CheckpointHook(save_best=key).rules == [rule]


def test_invalid_arguments():
    with pytest.raises(ValueError, match="Cannot infer the rule") as info:
        CheckpointHook(save_best="psnr2")
    # mmengine 0.10.7 (black-box) raised exactly this sentence; ours adds the fix after it.
    assert str(info.value).startswith(
        "Cannot infer the rule for key psnr2, thus a specific rule must be specified. "
    )
    assert CheckpointHook(save_best="psnr2", greater_keys=["psnr"]).rules == ["greater"]
    with pytest.raises(KeyError):
        CheckpointHook(save_best="acc", rule="bigger")
    with pytest.raises(AssertionError):
        CheckpointHook(save_best=["acc", "acc"])
    with pytest.raises(AssertionError):
        CheckpointHook(save_best=["acc", "auto"])
    with pytest.raises(AssertionError):
        CheckpointHook(save_best=["acc", "loss"], rule=["greater", "less", "less"])
    with pytest.raises(ValueError):
        CheckpointHook(save_begin=-1)
    with pytest.raises(TypeError):
        CheckpointHook(published_keys=1)
    with pytest.raises(ValueError):
        CheckpointHook(file_client_args=dict(backend="disk"), backend_args=dict(backend="local"))


def test_published_keys(make_runner):
    hook = CheckpointHook(interval=1, published_keys=["meta", "state_dict"], save_best="acc")
    runner = make_runner(max_epochs=2, hooks=[hook])
    runner.train(metrics=[{"acc": 0.5}, {"acc": 0.4}])
    published = [f for f in _ckpts(runner.work_dir) if "-" in f]
    assert len(published) == 2
    assert any(f.startswith("epoch_2-") for f in published)
    assert any(f.startswith("best_acc_epoch_1-") for f in published)
    ckpt = torch.load(osp.join(runner.work_dir, published[0]), weights_only=False)
    assert set(ckpt) == {"meta", "state_dict"}


def test_best_state_restored_from_message_hub(make_runner):
    hook = CheckpointHook(interval=1, save_best="acc")
    runner = make_runner(max_epochs=2, hooks=[hook])
    runner.train(metrics=[{"acc": 0.9}, {"acc": 0.1}])
    hub_state = runner.message_hub.state_dict()

    hook2 = CheckpointHook(interval=1, save_best="acc")
    runner2 = make_runner(max_epochs=3, hooks=[hook2])
    runner2.message_hub.load_state_dict(hub_state)
    runner2.call_hook("before_train")
    assert hook2.best_ckpt_path == osp.join(runner.work_dir, "best_acc_epoch_1.pth")
    # A worse score later does not replace the resumed best.
    runner2.epoch = 2
    runner2.call_hook("after_val_epoch", metrics={"acc": 0.5})
    assert "best_acc_epoch_1.pth" in _ckpts(runner.work_dir)
    assert isinstance(MessageHub.get_current_instance(), MessageHub)


def test_works_with_a_mock_runner(tmp_path):
    from unittest.mock import Mock

    from mmengine.fileio import FileClient, LocalBackend

    runner = Mock()
    runner.work_dir = str(tmp_path)
    runner.epoch = 9
    runner.message_hub = MessageHub.get_instance("ckpt_mock_runner")
    hook = CheckpointHook(interval=2, by_epoch=True, max_keep_ckpts=1)
    hook.before_train(runner)
    assert isinstance(hook.file_client, FileClient)
    assert isinstance(hook.file_backend, LocalBackend)
    hook.after_train_epoch(runner)
    expected = osp.join(str(tmp_path), "epoch_10.pth")
    assert runner.message_hub.get_info("last_ckpt") == expected
    assert _pointer(str(tmp_path)) == expected
    runner.save_checkpoint.assert_called_once()
    assert list(hook.keep_ckpt_ids) == [10]


def test_validation_outside_training_saves_nothing(make_runner):
    hook = CheckpointHook(interval=1, save_best="acc")
    runner = make_runner(hooks=[hook])
    runner.run_val({"acc": 1.0})
    assert not osp.exists(runner.work_dir) or _ckpts(runner.work_dir) == []
