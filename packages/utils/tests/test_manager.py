import threading

import pytest

from mmengine.utils import ManagerMeta, ManagerMixin


class SubClassA(ManagerMixin):
    def __init__(self, name="", *args, **kwargs):
        super().__init__(name, *args, **kwargs)


class SubClassB(ManagerMixin):
    def __init__(self, name="", value=0):
        super().__init__(name)
        self.value = value


def test_metaclass_requires_name_argument():
    with pytest.raises(AssertionError, match="name"):

        class Bad(metaclass=ManagerMeta):
            def __init__(self, *args, **kwargs):
                pass

    class Good(metaclass=ManagerMeta):
        def __init__(self, name):
            pass

    assert Good._instance_dict == {}


def test_get_instance_creates_then_returns_same():
    a1 = SubClassB.get_instance("gi_a", value=3)
    assert a1.instance_name == "gi_a"
    assert a1.value == 3
    assert SubClassB.get_instance("gi_a") is a1
    with pytest.warns(UserWarning, match="has been created"):
        again = SubClassB.get_instance("gi_a", value=5)
    assert again is a1 and again.value == 3


def test_name_must_be_non_empty_string():
    with pytest.raises(AssertionError):
        SubClassA()
    with pytest.raises(AssertionError):
        SubClassA.get_instance(1)


def test_get_current_instance():
    class Fresh(ManagerMixin):
        def __init__(self, name=""):
            super().__init__(name)

    with pytest.raises(RuntimeError, match="get_instance"):
        Fresh.get_current_instance()
    first = Fresh.get_instance("first")
    assert Fresh.get_current_instance() is first
    second = Fresh.get_instance("second")
    assert Fresh.get_current_instance() is second
    # fetching an existing instance does not change the current one
    assert Fresh.get_instance("first") is first
    assert Fresh.get_current_instance() is second
    # direct construction does not register an instance
    Fresh("direct")
    assert not Fresh.check_instance_created("direct")
    assert Fresh.get_current_instance() is second


def test_subclasses_have_separate_registries():
    class Base(ManagerMixin):
        def __init__(self, name=""):
            super().__init__(name)

    class Child(Base):
        pass

    b = Base.get_instance("shared_name")
    assert not Child.check_instance_created("shared_name")
    c = Child.get_instance("shared_name")
    assert c is not b and isinstance(c, Child)
    assert Base.get_current_instance() is b


def test_check_instance_created():
    assert not SubClassA.check_instance_created("cic")
    SubClassA.get_instance("cic")
    assert SubClassA.check_instance_created("cic")


def test_thread_safe_get_instance():
    created = []

    class Slow(ManagerMixin):
        def __init__(self, name=""):
            super().__init__(name)
            created.append(name)

    barrier = threading.Barrier(8)
    results = []

    def worker():
        barrier.wait()
        results.append(Slow.get_instance("only"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert created == ["only"]
    assert all(r is results[0] for r in results)


def test_assertion_messages_lead_with_0_10_sentences():
    # sentences recorded from mmengine 0.10.7
    class Named(ManagerMixin):
        pass

    with pytest.raises(AssertionError, match="^name argument must be an non-empty string."):
        Named()
    with pytest.raises(
        RuntimeError, match=r"you should call get_instance\(name=xxx\) at least once\."
    ):
        type("Fresh", (ManagerMixin,), {}).get_current_instance()
    with pytest.raises(AssertionError, match="must have the `name` argument"):

        class NoName(metaclass=ManagerMeta):
            def __init__(self):
                pass
