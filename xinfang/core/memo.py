"""Lists and rows built from tables that change a few times a year (the unit
tree, the categories, an office's colour settings, the exchange's peers), kept
in the process instead of being read again for every request: the public form's
selects cost hundreds of model instances per request otherwise, and a
submission read six such rows (bench/profile_public.py).

`memoized(seconds)` keys on the function, its arguments and the active language
(the labels are translated when the list is built). A change forgets them
(`forget_all`, connected to the models' post_save/post_delete in the AppConfig
of the area that keeps them): in this process at once, and in every other
server process once the change has committed, through a stamp file in DATA_DIR
(the directory the server processes share already: the uploads live there),
whose modification time each call compares with the one its value was built
under (one stat(), about a microsecond). `seconds` bounds the age of a value
all the same (a stamp that cannot be written is logged)."""

from __future__ import annotations

import functools
import logging
import os
import threading
import time

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language

log = logging.getLogger(__name__)

_lock = threading.Lock()
_memo: dict[tuple, tuple[float, int, object]] = {}
_stamp: list[str] = []  # the stamp file's path, once settings are read


def _stamp_path() -> str:
    if not _stamp:
        _stamp.append(os.path.join(settings.DATA_DIR, "memo-generation"))
    return _stamp[0]


def use_stamp(path: str) -> None:
    """Use this stamp file (a test process of its own)."""
    _stamp[:] = [path]


def generation() -> int:
    """The time of the last change any process committed (0: none yet)."""
    try:
        return os.stat(_stamp_path()).st_mtime_ns
    except OSError:
        return 0


def memoized(seconds: float = 300.0):
    def wrap(build):
        name = f"{build.__module__}.{build.__qualname__}"

        @functools.wraps(build)
        def cached(*args):
            key = (name, get_language(), args)
            now = time.monotonic()
            gen = generation()
            hit = _memo.get(key)
            if hit is not None and hit[1] == gen and now - hit[0] < seconds:
                return hit[2]
            value = build(*args)
            with _lock:
                _memo[key] = (now, gen, value)
            return value

        cached.uncached = build
        return cached

    return wrap


def _clear() -> None:
    with _lock:
        _memo.clear()


def _touch() -> None:
    path = _stamp_path()
    try:
        with open(path, "a"):
            pass
        os.utime(path, ns=(time.time_ns(), time.time_ns()))
    except OSError:
        log.exception("The other server processes keep their lists up to %s longer", path)
    _clear()


def forget_all(*_args, **kwargs) -> None:
    """Forget every kept value (a signal receiver: any arguments): now in this
    process, and in the others when the change commits (before, they would
    read and keep what is being changed)."""
    _clear()
    using = kwargs.get("using")
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(_touch, using=using)
    else:
        _touch()
