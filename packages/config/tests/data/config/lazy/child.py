import yaml
import yaml.loader
from yaml import SafeLoader as Loader

from mmengine.config import read_base

with read_base():
    from ._base_.runtime import *  # noqa: F403
    from ._base_.schedule import *  # noqa: F403

optimizer.lr = 0.01  # noqa: F405
loader = dict(type=Loader, dumper=yaml.SafeDumper)
max_epochs = max_epochs * 2  # noqa: F405
