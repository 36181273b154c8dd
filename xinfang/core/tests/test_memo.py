"""Kept lists and rows (core.memo): kept in the process, forgotten here at once
and in the other server processes when the change commits (the stamp file)."""

import os
import time

from xinfang.core import memo

built = []


@memo.memoized()
def _value(key):
    built.append(key)
    return len(built)


def _another_process_commits_a_change():
    # What forget_all does in another process, without this one's own clearing.
    now = time.time_ns() + 1_000_000
    with open(memo._stamp_path(), "a"):
        pass
    os.utime(memo._stamp_path(), ns=(now, now))


def test_a_value_is_kept_until_another_process_commits_a_change(db):
    first = _value("a")
    assert _value("a") == first  # kept: not built again
    _another_process_commits_a_change()
    assert _value("a") == first + 1  # the stamp moved: built again
    assert _value("a") == first + 1


def test_a_change_moves_the_stamp_only_when_it_commits(db, django_capture_on_commit_callbacks):
    first = _value("b")
    before = memo.generation()
    with django_capture_on_commit_callbacks(execute=True):
        memo.forget_all()
        # Forgotten here at once; the others are told only after the commit
        # (else one could read the old rows again and keep them).
        assert memo.generation() == before
        assert _value("b") == first + 1
    assert memo.generation() != before
    assert _value("b") == first + 2  # this process too, after the commit
