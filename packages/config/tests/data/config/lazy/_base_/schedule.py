from addict import Dict as AddictDict

optimizer = dict(type=AddictDict, lr=0.1)
max_epochs = 12
