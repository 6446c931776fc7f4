"""A config without "type" but with a near miss of it says which key looks misspelt."""

import pytest

from mmengine.registry import Registry

MODELS = Registry("hint_models")


@MODELS.register_module()
class Net:
    def __init__(self, depth: int = 1) -> None:
        self.depth = depth


@pytest.mark.parametrize("key", ["tpye", "Type", "typ", "types"])
def test_a_misspelt_type_key_is_named(key):
    with pytest.raises(KeyError, match='must contain the key "type"') as info:
        MODELS.build({key: "Net", "depth": 2})
    assert f'the key {key!r} looks like a misspelling of "type"' in info.value.args[0]


def test_no_hint_without_a_near_miss():
    with pytest.raises(KeyError) as info:
        MODELS.build({"depth": 2})
    message = info.value.args[0]
    assert message.startswith(  # 0.10's message first, unchanged
        "`cfg` or `default_args` must contain the key \"type\", but got {'depth': 2}\nNone\n"
    )
    assert "looks like a misspelling" not in message
    # then what to add, and what the registry can build
    assert 'Add a "type" key to the config' in message and "e.g. type='Net'" in message
    assert '"hint_models" registry' in message and "(it has: Net)" in message


def test_the_scheduler_builder_gives_the_hint_too():
    from mmengine.registry import PARAM_SCHEDULERS

    with pytest.raises(KeyError, match="looks like a misspelling"):
        PARAM_SCHEDULERS.build(dict(tpye="LinearLR", convert_to_iter_based=True), default_args={})
