from mmengine.config import Config
from mmengine.config.utils import config_text


class _Live:
    pass


def test_renderable_config_gives_pretty_text():
    cfg = Config(dict(a=1, b=dict(c=[1, 2])))
    text, valid = config_text(cfg)
    assert valid and text == cfg.pretty_text
    assert Config.fromstring(text, ".py").to_dict() == cfg.to_dict()


def test_live_object_gives_a_plain_rendering_instead_of_an_error():
    cfg = Config(dict(a=1, hook=_Live()))
    text, valid = config_text(cfg)
    assert not valid
    assert "'a': 1" in text and "_Live" in text
