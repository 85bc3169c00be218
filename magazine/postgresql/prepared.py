"""
A queryset run as a prepared statement: PostgreSQL parses and plans it once per connection, not at every query.

For a page that needs one large query, parsing and planning it took two thirds of PostgreSQL's time, and
building and compiling the queryset takes Django ten times longer than a whole execution of the prepared statement
(about 7 ms against 0.7 ms for the article page). ``PreparedQuery(name, build, **inputs)`` builds and compiles
the queryset ``build(**inputs)`` once per process; each connection prepares it once
(``PREPARE name AS ...``, with one generic plan for all executions); each call then sends only ``EXECUTE name
(...)`` with the values of that call, and turns the rows into model instances through the compiler's own
converters and ``select_related`` populators, as iterating the queryset would.

The inputs are the only values that may change from call to call; everything else the queryset sends is part of
the statement. So that nothing that changes (the time, say) is ever frozen into it, the queryset is compiled twice,
with two different samples of every input: the two compilations must have the same SQL, and their parameters may
differ only where they are exactly those samples. Anything else is refused (``NotPreparable``) at the first call,
before any statement is prepared. The parameters that do not change are written into the statement as the driver
would quote them when sending the query; the inputs become ``$1``, ``$2``... and are sent with each execution.
"""

import threading
from datetime import UTC, date, datetime, time

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models.query import ModelIterable, get_related_populators

SAMPLES = {
    str: lambda n: f"prepared-statement-sample-{n}",
    int: lambda n: 1_000_000_000 + n,
    date: lambda n: date(1990 + n, 1, 2),
    datetime: lambda n: datetime(1990 + n, 1, 2, 3, 4, 5, n, tzinfo=UTC if settings.USE_TZ else None),
}
# SQLSTATE: the server does not know the statement (DISCARD ALL, DEALLOCATE, a pooler's reset).
UNKNOWN_STATEMENT = "26000"
# Without it PostgreSQL plans each execution again as long as a plan for the values given looks cheaper than the
# generic plan, whose estimate (any time, any slug) is dearer, though the plan is the same.
GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan"

_names = set()


class NotPreparable(Exception):
    """A queryset that would not be the same statement for every value of its inputs."""


class PreparedQuery:
    def __init__(self, name, build, **inputs):
        """
        ``build(**inputs)`` returns the queryset; ``inputs`` gives the type of each of its arguments (str, int,
        date or datetime). ``name`` names the statement in each connection, once per process.
        """
        if name in _names:
            raise ValueError(f"A prepared statement is already named {name!r}.")
        unknown = [kind for kind in inputs.values() if kind not in SAMPLES]
        if unknown:
            raise TypeError(f"No samples of {unknown} to compare compilations with.")
        _names.add(name)
        self.name, self.build, self.inputs = name, build, inputs
        self._compiled = None
        self._lock = threading.Lock()

    def reset(self):
        """Compile the queryset again at the next call (after the code that builds it changed, in tests)."""
        self._compiled = None

    def fetch(self, **values):
        """The model instances of ``build(**values)``, from one execution of the prepared statement."""
        compiled = self._compiled or self._compile()
        connection = connections[compiled.alias]
        params = [values[name] for name in compiled.inputs]
        with connection.cursor() as cursor:
            try:
                self._execute(connection, cursor, compiled, params)
            except DatabaseError as error:
                cause = error.__cause__
                sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
                # Prepared again on a server that forgot it; never in a transaction, which the error has failed.
                if sqlstate != UNKNOWN_STATEMENT or connection.in_atomic_block:
                    raise
                connection.prepared_statements.pop(self.name, None)
                self._execute(connection, cursor, compiled, params)
            rows = cursor.fetchall()
        return compiled.instances(rows)

    def _execute(self, connection, cursor, compiled, params):
        raw = connection.connection
        if getattr(connection, "prepared_statements", None) is None:
            connection.prepared_statements = {}
        # A SET made inside a transaction ends with it, when a prepared statement lasts as long as the connection:
        # the setting goes with every statement until one runs outside a transaction.
        setting = [GENERIC_PLANS] if getattr(connection, "generic_plans_on", None) is not raw else []
        prepared_on, prepared = connection.prepared_statements.get(self.name, (None, None))
        if prepared_on is not raw or prepared is not compiled:
            replaced = [f"DEALLOCATE {self.name}"] if prepared_on is raw else []
            cursor.execute("; ".join([*setting, *replaced, f"PREPARE {self.name} AS {compiled.sql}"]))
            connection.prepared_statements[self.name] = (raw, compiled)
            setting = []
        execute = f"EXECUTE {self.name}" + (f" ({', '.join(['%s'] * len(params))})" if params else "")
        cursor.execute("; ".join([*setting, execute]), params or None)
        if not connection.in_atomic_block:
            connection.generic_plans_on = raw

    def _compile(self):
        with self._lock:
            if self._compiled is None:
                self._compiled = Compiled(self)
            return self._compiled


class Compiled:
    """The statement of a PreparedQuery, and what turns its rows into model instances."""

    def __init__(self, prepared):
        samples = [{name: SAMPLES[kind](n) for name, kind in prepared.inputs.items()} for n in (1, 2)]
        querysets = [prepared.build(**sample) for sample in samples]
        queryset = querysets[0]
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise NotPreparable(f"{prepared.name}: only querysets of model instances, without prefetch_related().")
        self.alias = queryset.db
        connection = connections[self.alias]
        compilers = [qs.query.get_compiler(using=self.alias) for qs in querysets]
        (sql, params), (other_sql, other_params) = [compiler.as_sql() for compiler in compilers]
        if sql != other_sql or len(params) != len(other_params):
            raise NotPreparable(f"{prepared.name}: its SQL changes with its inputs, which must all be parameters.")
        self.inputs, marks = [], []
        for value, other in zip(params, other_params):
            names = [
                name
                for name, sample in samples[0].items()
                if type(value) is type(sample) and value == sample and other == samples[1][name]
            ]
            if names:
                if names[0] not in self.inputs:
                    self.inputs.append(names[0])
                marks.append(f"${self.inputs.index(names[0]) + 1}")
            elif value == other and type(value) is type(other):
                if isinstance(value, (date, time)):
                    # Most likely the present (today's date, say) that the compilations happened to share.
                    raise NotPreparable(
                        f"{prepared.name}: {value!r} would be frozen into the statement: make it an input."
                    )
                marks.append(connection.ops.compose_sql("%s", [value]))
            else:
                raise NotPreparable(
                    f"{prepared.name}: a parameter changed between two compilations ({value!r}, then {other!r}) "
                    "that is none of its inputs: it would be frozen into the statement."
                )
        # Django's SQL has a %s for each parameter and %% for a percent sign.
        self.sql = sql % tuple(marks)
        compiler = self.compiler = compilers[0]
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.related_populators = get_related_populators(klass_info, select, self.alias)
        self.annotations = list(compiler.annotation_col_map.items())
        self.converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])

    def instances(self, rows):
        """What ModelIterable makes of the rows, with the same converters and populators."""
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        instances = []
        for row in rows:
            instance = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.related_populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances
