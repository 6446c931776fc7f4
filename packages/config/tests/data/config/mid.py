_base_ = ["./base/model.py", "./base/optimizer.py", "base/runtime.yaml", "base/dataset.json"]
model = dict(depth=101, neck=dict(type="FPN", in_channels=[256, 512, 1024, 2048]))
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
work_dir = "./work_dirs/{{fileBasenameNoExtension}}"
