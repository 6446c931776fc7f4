_base_ = "./mid.py"
# override a leaf, replace a dict, reuse base values
optimizer = dict(lr=0.01)
model = dict(norm_cfg=dict(_delete_=True, type="GN", num_groups=32))
gpu_ids = [0]
base_lr = _base_.optimizer.lr
backbone_copy = {{_base_.model}}
first_milestone = "{{ _base_.param_scheduler.1.milestones.0 }}"
