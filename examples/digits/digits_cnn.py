# Train a small CNN on scikit-learn's 8x8 handwritten digits (offline, CPU, about a minute).
#   uv run python tools/train.py examples/digits/digits_cnn.py
custom_imports = dict(imports=["examples.digits.digits"], allow_failed_imports=False)

model = dict(type="DigitsCNN", data_preprocessor=dict(type="BaseDataPreprocessor"))

train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    dataset=dict(type="DigitsDataset", split="train"),
    sampler=dict(type="DefaultSampler", shuffle=True),
    collate_fn=dict(type="default_collate"),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=0,
    dataset=dict(type="DigitsDataset", split="val"),
    sampler=dict(type="DefaultSampler", shuffle=False),
    collate_fn=dict(type="default_collate"),
)
test_dataloader = val_dataloader

train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=1)
val_cfg = dict()
test_cfg = dict()
val_evaluator = dict(type="DigitsAccuracy")
test_evaluator = val_evaluator

optim_wrapper = dict(optimizer=dict(type="SGD", lr=0.05, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type="LinearLR", start_factor=0.1, by_epoch=False, begin=0, end=45),
    dict(type="CosineAnnealingLR", by_epoch=True, begin=0, end=12),
]

default_hooks = dict(
    logger=dict(type="LoggerHook", interval=15),
    checkpoint=dict(type="CheckpointHook", interval=1, max_keep_ckpts=2, save_best="accuracy"),
)
# The config runs unchanged on upstream mmengine 0.10.7 too, so it names only hooks both have.
# This project's live progress bar is one option away:
#   --cfg-options "custom_hooks=[dict(type='ProgressBarHook')]"
custom_hooks = []

visualizer = dict(
    type="Visualizer",
    vis_backends=[dict(type="LocalVisBackend"), dict(type="TensorboardVisBackend")],
)
randomness = dict(seed=0)
work_dir = "./work_dirs/digits_cnn"
