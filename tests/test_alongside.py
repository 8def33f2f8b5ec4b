"""Work done alongside (``copgraph.alongside``): on the other core, in a forked copy of the process, with its
result, or what it raised, handed back as if it had run here."""

import gc
import os

import pytest

import copgraph.alongside
from copgraph.alongside import alongside
from copgraph.errors import CopgraphError


def test_the_work_runs_in_another_process_and_its_result_comes_back():
    with alongside(os.getpid, afterwards=lambda: "kept") as other:
        here = os.getpid()
    assert other.forked
    assert other.result() != here
    assert other.afterwards() == "kept"
    assert gc.get_freeze_count() == 0  # left out of collections only while the copy worked


def test_a_process_too_big_to_copy_does_the_work_itself(monkeypatch):
    # A copy comes to hold a private copy of most of what it reads: at national size, too much memory.
    monkeypatch.setattr(copgraph.alongside, "MOST_MB", 0)
    other = alongside(os.getpid)
    assert not other.forked
    assert other.result() == os.getpid()


def test_without_fork_the_same_work_runs_here_when_its_result_is_asked_for():
    ran = []
    other = alongside(lambda: ran.append("work") or os.getpid(), afterwards=lambda: ran.append("after"), fork=False)
    assert ran == []
    assert other.result() == os.getpid()
    assert ran == ["work"]
    other.afterwards()
    assert ran == ["work", "after"]


def test_what_the_work_raises_is_raised_where_its_result_is_asked_for():
    def fails():
        raise CopgraphError("The graph could not be counted.")

    for fork in (True, False):
        other = alongside(fails, afterwards=lambda: "still done", fork=fork)
        with pytest.raises(CopgraphError, match="could not be counted"):
            other.result()
        assert other.afterwards() == "still done"


def test_a_result_that_cannot_be_sent_back_is_a_sentence_not_a_traceback():
    other = alongside(lambda: lambda: None)  # a function made in the child does not pickle
    with pytest.raises(CopgraphError, match="could not be sent back"):
        other.result()
    other.afterwards()


def test_a_child_that_dies_without_answering_is_an_error_here():
    other = alongside(lambda: os._exit(3))
    with pytest.raises(CopgraphError, match="stopped before it answered"):
        other.result()


def test_leaving_early_because_of_an_error_here_leaves_no_child_behind(tmp_path):
    pid = tmp_path / "pid"
    with pytest.raises(RuntimeError), alongside(lambda: pid.write_text(str(os.getpid()))):
        while not pid.exists() or not pid.read_text():
            pass
        raise RuntimeError("the network could not be built")
    with pytest.raises(ProcessLookupError):  # ended, and waited for
        os.kill(int(pid.read_text()), 0)
