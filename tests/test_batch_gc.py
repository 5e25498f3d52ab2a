"""The batch pauses Python's garbage collector while a deal is built and collects once after it."""

from __future__ import annotations

import gc
import weakref

import pytest

from xl_placement.batch import collector_paused


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_paused_during_the_deal_and_frees_its_cycles_after():
    """Inside: no automatic collection; after: enabled again, and a cycle made inside is already freed."""
    with collector_paused():
        assert not gc.isenabled()
        node = _Node()
        ref = weakref.ref(node)
        del node
        assert ref() is not None  # garbage, not collected yet
    assert gc.isenabled()
    assert ref() is None


@pytest.mark.usefixtures("collector_on")
def test_a_failing_deal_leaves_the_collector_on():
    """An exception inside leaves the collector enabled (its garbage goes with the next collection)."""
    with pytest.raises(ValueError, match="boom"), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off():
    """A program that runs with the collector disabled keeps it disabled, and nothing is collected."""
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            node = _Node()
            ref = weakref.ref(node)
            del node
        assert not gc.isenabled()
        assert ref() is not None
    finally:
        if was:
            gc.enable()
