"""Lists built from tables that change a few times a year (the unit tree, the
categories), kept in the process for a few minutes instead of being built again
for every page: the public form's selects cost hundreds of model instances per
request otherwise (bench/profile_public.py).

`memoized(seconds)` keys on the function, its arguments and the active language
(the labels are translated when the list is built). A process forgets its lists
when the area that uses them tells it to (`forget_all`, connected to the models'
post_save/post_delete in that area's AppConfig.ready()); other server processes
see a change within `seconds`."""

from __future__ import annotations

import functools
import threading
import time

from django.utils.translation import get_language

_lock = threading.Lock()
_memo: dict[tuple, tuple[float, object]] = {}


def memoized(seconds: float = 300.0):
    def wrap(build):
        name = f"{build.__module__}.{build.__qualname__}"

        @functools.wraps(build)
        def cached(*args):
            key = (name, get_language(), args)
            now = time.monotonic()
            hit = _memo.get(key)
            if hit is not None and now - hit[0] < seconds:
                return hit[1]
            value = build(*args)
            with _lock:
                _memo[key] = (now, value)
            return value

        cached.uncached = build
        return cached

    return wrap


def forget_all(*_args, **_kwargs) -> None:
    """Forget every kept list (a signal receiver: any arguments)."""
    with _lock:
        _memo.clear()
