"""Hot lookups whose SQL is built once per process instead of on every call.

Django turns a queryset into SQL each time it runs it. For the one-row lookups every
save and page makes (a subject with its village, a record with its period and units,
the signed-in user) that costs about 1 ms of Python, against 0.2 ms for the database
to answer: under deadline-day load, compiling these few querysets took a tenth of
the app's CPU (py-spy).

`Prepared(build)` keeps a function that returns the queryset for its arguments. The
first call compiles `build(markers)` once, with a marker value where each argument
goes, and remembers where the markers landed among the SQL's parameters; every call
then runs that SQL with its own arguments and makes the rows into instances as the
ORM's `ModelIterable` does (the same converters, `select_related`, deferred fields).

What a `build` may do: filter on its arguments with plain equality lookups (`pk=`,
`user_id=`, `session_key=`), select_related, defer/only, order, slice. Arguments
are ints or strings as the database takes them. A lookup that changes its value
(`startswith`, `in`, a None that becomes IS NULL) cannot be prepared: the marker is
then not found and the first call raises, so a wrong use fails at once in the tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

M = TypeVar("M", bound=Model)

# Values no argument ever has: ids are positive, and no key contains a NUL.
_INT_MARKER = -7_340_000_000_000_000
_TEXT_MARKER = "\x00khomun-prepared-{}\x00"
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


class CannotPrepare(Exception):
    """The queryset does not take its arguments as plain parameters."""


@dataclass
class _Compiled:
    using: str
    sql: str
    params: list[Any]
    slots: list[tuple[int, int]]  # (position among the SQL's params, argument index)
    compiler: Any
    converters: Any
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    annotations: list[tuple[str, int]]


class Prepared(Generic[M]):
    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self.build = build
        self._compiled: dict[tuple[type, ...], _Compiled] = {}  # by the arguments' types
        self._lock = threading.Lock()

    def __call__(self, *args: int | str) -> list[M]:
        """The instances `build(*args)` would give, in its order."""
        if any(isinstance(arg, int) and not _BIGINT_MIN <= arg <= _BIGINT_MAX for arg in args):
            return []  # as the ORM answers equality with a number no column holds
        kinds = tuple(type(arg) for arg in args)
        compiled = self._compiled.get(kinds)
        if compiled is None:
            compiled = self._compile(args, kinds)
        using = compiled.using
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = args[index]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Any = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        model = compiled.compiler.klass_info["model"]
        found = []
        for row in rows:
            instance = model.from_db(using, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, column in compiled.annotations:
                setattr(instance, name, row[column])
            found.append(instance)
        return found

    def first(self, *args: int | str) -> M | None:
        found = self(*args)
        return found[0] if found else None

    def _compile(self, args: tuple[int | str, ...], kinds: tuple[type, ...]) -> _Compiled:
        markers: list[int | str] = []
        for index, arg in enumerate(args):
            if isinstance(arg, bool) or not isinstance(arg, int | str):
                raise CannotPrepare(f"argument {index} is {type(arg).__name__}, not int or str")
            markers.append(
                _INT_MARKER - index if isinstance(arg, int) else _TEXT_MARKER.format(index)
            )
        queryset = self.build(*markers)
        internals: Any = queryset  # what ModelIterable reads, not in the type stubs
        if internals._prefetch_related_lookups or internals._fields is not None:
            raise CannotPrepare("prefetch_related and values() are not prepared")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        params = list(params)
        slots = [
            (position, markers.index(value))
            for position, value in enumerate(params)
            if isinstance(value, int | str) and not isinstance(value, bool) and value in markers
        ]
        if sorted({index for _position, index in slots}) != list(range(len(args))):
            raise CannotPrepare("an argument is not a plain parameter of the SQL")
        select = compiler.select
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        compiled = _Compiled(
            using=queryset.db,
            sql=sql,
            params=params,
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in select[0 : compiler.col_count]]),
            init_list=[f[0].target.attname for f in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, queryset.db),
            annotations=list(compiler.annotation_col_map.items()),
        )
        with self._lock:
            self._compiled[kinds] = compiled
        return compiled
