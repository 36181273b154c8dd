"""Registries: how two areas meet without importing each other.

A lower area (or core) declares a named registry; a higher area registers a
callable in its AppConfig.ready(). The lower area calls whatever is registered
and knows nothing of who answered: the petition page shows the mediation panel
of a diverted matter, the start page shows every area's panel, and neither
imports mediation. (Imports run one way, docs/architecture.md.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator


class Registry:
    def __init__(self, name: str, doc: str = ""):
        self.name = name
        self.__doc__ = doc
        self._items: dict[str, Callable] = {}
        REGISTRIES[name] = self

    def register(self, fn: Callable | None = None, *, key: str | None = None):
        """Register `fn` (as a decorator too); again under the same key replaces it."""

        def add(f):
            self._items[key or f"{f.__module__}.{f.__qualname__}"] = f
            return f

        return add(fn) if fn is not None else add

    def __iter__(self) -> Iterator[Callable]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> Callable | None:
        return self._items.get(key)

    def collect(self, *args, **kwargs) -> list:
        """Call every registered callable; keep the answers that are not None."""
        return [r for f in self for r in [f(*args, **kwargs)] if r is not None]


REGISTRIES: dict[str, Registry] = {}
