import yaml
import yaml.loader
from yaml import SafeLoader as Loader

from mmengine.config import read_base

with read_base():
    from ._base_.runtime import *
    from ._base_.schedule import *

optimizer.lr = 0.01
loader = dict(type=Loader, dumper=yaml.SafeDumper)
max_epochs = max_epochs * 2
