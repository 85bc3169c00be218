"""
The rows of a queryset as one column of another query: a JSON array that reads back as model instances.

``JSONRows(Reference.objects.filter(article=OuterRef("pk")))`` in ``annotate()`` gives each article the list of
its references: one query for an article and all its relations, where ``prefetch_related`` makes one for each.
The subquery is the queryset compiled by Django, so its conditions, ``Meta.ordering`` (whatever form it takes),
slice, ``only()`` and ``select_related()`` are the ORM's own; PostgreSQL keeps the order of its rows in the
array. Each row is a JSON object of the model's loaded fields, and each value is read back through its field,
as Django's JSON deserializer does (``field.to_python``): dates and times come back as the ORM gives them, a
UUID as a ``UUID``. Two kinds of field go through JSON as text, because a JSON value would not come back as the
ORM reads them: a decimal, which JSON numbers would turn into a float, and a ``JSONField``, which is then read
by the field itself (``from_db_value``, with its decoder).
"""

import json

from django.db import NotSupportedError, models
from django.db.models import F, Subquery
from django.db.models.functions import Cast, JSONObject

AS_TEXT = (models.DecimalField, models.JSONField)


class JSONRows(Subquery):
    """The objects of ``queryset`` (which may refer to the outer query with ``OuterRef``), as a list."""

    template = "ARRAY_TO_JSON(ARRAY(%(subquery)s))"

    def __init__(self, queryset):
        if queryset._prefetch_related_lookups or queryset._fields is not None:
            raise NotSupportedError("JSONRows() reads model instances, without prefetch_related().")
        reader = RowReader(queryset.model, queryset.query.get_select_mask(), queryset.query.select_related)
        # Django's own QuerySet.values() over the query as built: a manager's queryset class may rewrite values()
        # (django-modeltranslation adds each translated field's columns, which a one-column subquery cannot hold).
        plain = models.QuerySet(queryset.model, query=queryset.query.chain(), using=queryset.db)
        super().__init__(plain.values(row=reader.json_object()), output_field=RowsField(reader))


class RowsField(models.Field):
    """The output of ``JSONRows``: its converter turns the array into model instances."""

    def __init__(self, reader):
        super().__init__()
        self.reader = reader

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        items = json.loads(value) if isinstance(value, str) else value  # psycopg2 decodes json itself
        return [self.reader.instance(item, connection) for item in items]


class RowReader:
    """How the rows of one model (and of its ``select_related`` relations) are written as JSON and read back."""

    def __init__(self, model, select_mask, select_related):
        opts = model._meta
        if select_related is True:
            raise NotSupportedError("JSONRows() needs select_related() with the names of the relations.")
        self.model = model
        fields = [field for field in opts.concrete_fields if not select_mask or field in select_mask]
        for field in fields:
            if isinstance(field, models.BinaryField):
                raise NotSupportedError(f"JSONRows() cannot read {field} back as the ORM does.")
        self.fields = [(field.attname, field) for field in fields]
        self.attnames = [field.attname for field in fields]
        self.related = []
        for name, nested in (select_related or {}).items():
            field = opts.get_field(name)
            reader = RowReader(field.related_model, select_mask.get(field, {}), nested)
            self.related.append((field, reader, field.remote_field.set_cached_value if field.unique else None))
        self.pk_attname = opts.pk.attname

    def json_object(self, prefix=""):
        values = {}
        for attname, field in self.fields:
            value = F(prefix + attname)
            values[attname] = Cast(value, models.TextField()) if isinstance(field, AS_TEXT) else value
        for field, reader, _ in self.related:
            values[field.name] = reader.json_object(f"{prefix}{field.name}__")
        return JSONObject(**values)

    def instance(self, item, connection):
        values = []
        for attname, field in self.fields:
            value = item[attname]
            if isinstance(field, models.JSONField):
                value = field.from_db_value(value, None, connection)
            elif value is not None:
                value = field.to_python(value)
            values.append(value)
        instance = self.model.from_db(connection.alias, self.attnames, values)
        for field, reader, remote_setter in self.related:
            data = item[field.name]
            related = reader.instance(data, connection) if data[reader.pk_attname] is not None else None
            field.set_cached_value(instance, related)
            if related is not None and remote_setter is not None:
                remote_setter(related, instance)
        return instance
