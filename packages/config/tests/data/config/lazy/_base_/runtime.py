import os.path as osp

default_scope = "mmengine"
log_dir = osp.join("work_dirs", "logs")
