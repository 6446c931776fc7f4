optimizer = dict(type="SGD", lr=0.02, momentum=0.9, weight_decay=0.0001)
param_scheduler = [
    dict(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type="MultiStepLR", by_epoch=True, milestones=[8, 11], gamma=0.1),
]
