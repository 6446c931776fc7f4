model = dict(
    type="ResNet",
    depth=50,
    norm_cfg=dict(type="BN", requires_grad=True),
    out_indices=(0, 1, 2, 3),
    init_cfg=dict(type="Pretrained", checkpoint="torchvision://resnet50"),
)
