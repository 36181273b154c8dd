"""Fixed-shape reads compiled once per connection.

Django builds and compiles a queryset's SQL again on every call: for the
citizen's look-up (a matter with six joined tables, ~150 columns) that was a
quarter of the request's Python time, more than PostgreSQL took to run it
(docs/benchmarks.md, session 12). A read whose shape never changes, only its
values, is written once as a function building the queryset from its values;
`CompiledQuery` builds it once per database connection with marker values,
keeps the compiler (its SQL, its columns, how to make the objects of a row) and
afterwards only puts the call's values where the markers were, runs the same
text (which PostgreSQL then prepares: xinfang.core.db) and makes the objects as
Django's own iterables do (converters, `from_db`, select_related's populators).

Values are str, int or a list of ints (keys: the statement is compiled once for
each length met, `IN (%s, ...)` having one placeholder per key); each must
appear in the compiled statement's parameters (a value Django folds into the text, a LIMIT say, cannot
vary: write it into the function). The cache lives on the connection object, so
it follows the connection's thread and vendor and goes with it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    _get_from_db,
    get_related_populators,
)
from django.db.models.sql.constants import MULTI

from .memo import generation

_STR_MARK = "\x1fxf-compiled-%d\x1f"
_INT_MARK = 2_000_000_000  # plus the value's position


@dataclass(frozen=True)
class _Compiled:
    compiler: Any
    sql: str
    params: tuple
    positions: tuple[tuple[int, ...], ...]
    kind: str  # "models", "flat" or "tuples"
    converters: dict
    make: Any = None  # for models: (from_db, init_list, start, end, populators, annotations)


class CompiledQuery:
    """`CompiledQuery(build, (str, int))(value, ...)` is `list(build(value, ...))`,
    compiled once per connection."""

    def __init__(self, build: Callable[..., Any], types: Sequence[type], using: str = "default"):
        if any(t not in (str, int, list) for t in types):
            raise TypeError("a compiled query's values are str, int or a list of ints")
        self.build, self.types, self.using = build, tuple(types), using

    def _markers(self, lengths: tuple[int, ...]) -> tuple[list, list]:
        """The values to build with (a list's elements each a marker of its own)
        and the markers in the order `_flat` puts the call's values."""
        args, flat = [], []
        lists = iter(lengths)
        for i, t in enumerate(self.types):
            if t is list:
                marks = [_INT_MARK + 1000 * (i + 1) + j for j in range(next(lists))]
                args.append(marks)
                flat.extend(marks)
            else:
                mark = _STR_MARK % i if t is str else _INT_MARK + i
                args.append(mark)
                flat.append(mark)
        return args, flat

    @staticmethod
    def _flat(values) -> list:
        flat = []
        for v in values:
            if type(v) is list:
                flat.extend(v)
            else:
                flat.append(v)
        return flat

    def _compile(self, lengths: tuple[int, ...]) -> _Compiled:
        args, markers = self._markers(lengths)
        qs = self.build(*args)
        compiler = qs.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        positions = tuple(tuple(i for i, p in enumerate(params) if p == m) for m in markers)
        missing = [i for i, where in enumerate(positions) if not where]
        if missing:
            raise ValueError(f"value {missing} is not a parameter of the compiled statement")
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("a compiled query reads no composite keys")
        converters = compiler.get_converters(fields)
        iterable = qs._iterable_class
        if iterable is ModelIterable:
            select, klass_info = compiler.select, compiler.klass_info
            selected = klass_info["select_fields"]
            start, end = selected[0], selected[-1] + 1
            init_list = [f[0].target.attname for f in select[start:end]]
            fetch_mode = qs._fetch_mode
            make = (
                _get_from_db(klass_info["model"], fetch_mode),
                init_list,
                start,
                end,
                get_related_populators(klass_info, select, self.using, fetch_mode),
                tuple(compiler.annotation_col_map.items()),
            )
            if qs._prefetch_related_lookups or qs._known_related_objects:
                raise ValueError("a compiled query makes no prefetches")
            return _Compiled(compiler, sql, tuple(params), positions, "models", converters, make)
        if iterable is FlatValuesListIterable:
            return _Compiled(compiler, sql, tuple(params), positions, "flat", converters)
        if iterable is ValuesListIterable:
            return _Compiled(compiler, sql, tuple(params), positions, "tuples", converters)
        raise ValueError(f"a compiled query returns models or values_list, not {iterable}")

    def __call__(self, *values) -> list:
        if len(values) != len(self.types) or any(
            type(v) is not t or (t is list and any(type(x) is not int for x in v))
            for v, t in zip(values, self.types, strict=True)
        ):
            raise TypeError(f"expected values of types {self.types}, got {values!r}")
        lengths = tuple(len(v) for v in values if type(v) is list)
        if any(n == 0 for n in lengths):
            return []  # IN () matches nothing: Django would not even ask
        conn = connections[self.using]
        cache = conn.__dict__.setdefault("_xf_compiled", {})
        key = (self, lengths)
        c = cache.get(key)
        if c is None:
            c = cache[key] = self._compile(lengths)
        params = list(c.params)
        for where, value in zip(c.positions, self._flat(values), strict=True):
            for i in where:
                params[i] = value
        compiler = copy.copy(c.compiler)
        compiler.as_sql = lambda *a, **k: (c.sql, params)
        results = compiler.execute_sql(MULTI)
        rows = chain.from_iterable(results)
        if c.converters:
            rows = compiler.apply_converters(rows, c.converters)
        if c.kind == "flat":
            return [row[0] for row in rows]
        if c.kind == "tuples":
            return [tuple(row) for row in rows]
        from_db, init_list, start, end, populators, annotations = c.make
        out = []
        for row in rows:
            obj = from_db(self.using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, pos in annotations:
                setattr(obj, name, row[pos])
            out.append(obj)
        return out


# --- statements kept by the inputs they were built from ---------------------------


class KeptStatements:
    """The SQL of querysets that a request builds from inputs it can name (the
    user, their memberships, the day, ...), kept per process by a key holding
    every such input: `kept.rows(key, build)` runs `build()`'s statement and
    returns its rows as tuples. A worklist's conditions are built from the
    user's reach (some dozens of Q objects, a quarter of the page's Python)
    and are the same on every visit of the day.

    The rule that keeps it right: a statement is kept only when building it
    read nothing from the database (every input then came from the key or from
    values core.memo keeps, whose generation is part of the key); a build that
    read something (a memo not yet warm, a table outside the key) is used once
    and not kept. Rows are tuples of what the driver returns (ints, strings):
    for ids and counts, not for model objects."""

    LIMIT = 5000  # kept statements a process holds before it starts again

    def __init__(self, using: str = "default"):
        self.using = using
        self._kept: dict[tuple, tuple[str, tuple] | None] = {}

    def statement(self, key: tuple, build: Callable[[], Any]) -> tuple[str, tuple] | None:
        """(sql, params) of `build()`'s queryset (None: it selects nothing)."""
        connection = connections[self.using]
        full = (connection.vendor, generation(), key)
        if full in self._kept:
            return self._kept[full]
        read: list[str] = []

        def watch(execute, sql, params, many, context):
            read.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            qs = build()
            try:
                found = qs.query.get_compiler(using=self.using).as_sql()
                found = (found[0], tuple(found[1]))
            except EmptyResultSet:
                found = None
        if not read:
            if len(self._kept) >= self.LIMIT:
                self._kept.clear()
            self._kept[full] = found
        return found

    def rows(self, key: tuple, build: Callable[[], Any], tail: str = "", extra=()) -> list[tuple]:
        """The rows of the kept statement, `tail` (e.g. " LIMIT %s OFFSET %s") and
        its `extra` values added at its end."""
        found = self.statement(key, build)
        if found is None:
            return []
        sql, params = found
        with connections[self.using].cursor() as cur:
            cur.execute(sql + tail, (*params, *extra))
            return cur.fetchall()
