"""
The data of a public article page: the article, its category, reviewer, authors, tags, references,
corrections and related articles.

On PostgreSQL it comes in one query: the relations as JSON arrays, the related articles from the most recent
few of the article's category and of each of its tags (the same rule as ``Article.related``). A page that is
not in the page cache then costs one round trip, and no ORM query to build for each relation, which was most
of its time at any archive size. The query is a prepared statement of each database connection: PostgreSQL
parses and plans it once, not at every page, where that took two thirds of its time. Other databases use the
ORM's ``select_related`` and ``prefetch_related``.

Either way the article looks the same to its template: ``article.authors.all()`` and the other relations are
prefetched, and ``article.related_articles`` lists the related articles with their category.
"""

import json
import operator
from functools import cache

from django.db import OperationalError, connection, models
from django.utils import timezone

from .models import Article, Author, Category, Correction, Reference, Tag

RELATED_COUNT = 3

# The relations the page shows: (prefetch name, model, how its rows ``r`` belong to the article ``a``).
AUTHORS, TAGS = Article.authors.through._meta.db_table, Article.tags.through._meta.db_table
RELATIONS = (
    ("authors", Author, f"JOIN {AUTHORS} link ON link.author_id = r.id AND link.article_id = a.id"),
    ("tags", Tag, f"JOIN {TAGS} link ON link.tag_id = r.id AND link.article_id = a.id"),
    ("references", Reference, "WHERE r.article_id = a.id"),
    ("corrections", Correction, "WHERE r.article_id = a.id"),
)
# Their names, as prefetch_related() and the page (its template and structured data) know them.
RELATION_NAMES = tuple(name for name, *_ in RELATIONS)
RELATED_FIELDS = ("id", "title", "slug", "published_at", "category_id")

# The prepared statement: its name in each connection, and its parameters ($1, $2...) with their types.
STATEMENT = "magazine_article_page"
PARAMETERS = {"slug": "text", "now": "timestamptz", "published": "text", "count": "integer"}


def with_page_data(queryset):
    """``queryset`` with what an article page shows loaded by the ORM (staff previews, other databases)."""
    return queryset.select_related("category", "medical_reviewer").prefetch_related(*RELATION_NAMES)


def published_article(slug):
    """The published article at ``slug`` with everything its page shows, or None."""
    if connection.vendor == "postgresql":
        return _postgres_article(slug)
    article = with_page_data(Article.objects.published()).filter(slug=slug).first()
    if article is not None:
        article.related_articles = list(article.related(RELATED_COUNT))
    return article


def _parameter(name):
    return f"${list(PARAMETERS).index(name) + 1}"


def _published(alias):
    """``Article.objects.published()`` in SQL (tests/articles/test_article_page.py holds them equal)."""
    now = _parameter("now")
    return (
        f"{alias}.status = {_parameter('published')} AND {alias}.published_at <= {now}"
        f" AND ({alias}.expires_at IS NULL OR {alias}.expires_at > {now})"
    )


def _ordering(model):
    """The model's ``Meta.ordering`` in SQL on the alias ``r``, the primary key last to settle ties."""
    terms, columns = [], set()
    for name in [*model._meta.ordering, "pk"]:
        field = model._meta.pk if name.lstrip("-") == "pk" else model._meta.get_field(name.lstrip("-"))
        if field.column not in columns:
            columns.add(field.column)
            terms.append(f"r.{connection.ops.quote_name(field.column)}" + (" DESC" if name.startswith("-") else ""))
    return ", ".join(terms)


def _columns(model, alias):
    return ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields)


@cache
def _query():
    article, category, reviewer = Article._meta.db_table, Category._meta.db_table, Author._meta.db_table
    # Only table and column names of the models and this module's constants go into the text; every value
    # (slug, time, status, count) is a parameter of the statement.
    relations = ",\n".join(
        f"(SELECT coalesce(json_agg(r ORDER BY {_ordering(model)}), '[]')"
        f" FROM {model._meta.db_table} r {link}) AS {name}"  # nosec B608  # names only
        for name, model, link in RELATIONS
    )
    related_fields = ", ".join(f"'{name}', r.{name}" for name in RELATED_FIELDS)
    count = _parameter("count")
    return f"""
        SELECT {_columns(Article, "a")}, {_columns(Category, "c")}, {_columns(Author, "v")},
        {relations},
        (SELECT coalesce(json_agg(json_build_object({related_fields}, 'category', rc)
                                  ORDER BY r.published_at DESC, r.id DESC), '[]')
         FROM (SELECT {", ".join(f"r.{name}" for name in RELATED_FIELDS)} FROM {article} r
               WHERE r.id IN (
                   (SELECT p.id FROM {article} p
                    WHERE p.category_id = a.category_id AND p.id <> a.id AND {_published("p")}
                    ORDER BY p.published_at DESC, p.id DESC LIMIT {count})
                   UNION ALL
                   (SELECT q.id FROM {TAGS} own CROSS JOIN LATERAL (
                       SELECT p.id FROM {article} p JOIN {TAGS} pt ON pt.article_id = p.id
                       WHERE pt.tag_id = own.tag_id AND p.id <> a.id AND {_published("p")}
                       ORDER BY p.published_at DESC, p.id DESC LIMIT {count}) q
                    WHERE own.article_id = a.id))
               ORDER BY r.published_at DESC, r.id DESC LIMIT {count}) r
         JOIN {category} rc ON rc.id = r.category_id) AS related
        FROM {article} a
        JOIN {category} c ON c.id = a.category_id
        LEFT JOIN {reviewer} v ON v.id = a.medical_reviewer_id
        WHERE a.slug = {_parameter("slug")} AND {_published("a")}
    """  # nosec B608  # names only: the values are parameters


def _execute(cursor, values):
    """Run the page's prepared statement, preparing it first on a connection that has not got it yet."""
    if getattr(connection, "article_page_prepared_on", None) is not connection.connection:
        types = ", ".join(PARAMETERS.values())
        # One plan for every article: PostgreSQL would otherwise plan each execution again, as it finds the
        # generic plan's estimate (any time, any count) dearer than one for the values given. The plan is the
        # same either way. The setting concerns this connection's prepared statements: this is its only one.
        cursor.execute(f"SET plan_cache_mode = force_generic_plan; PREPARE {STATEMENT} ({types}) AS {_query()}")
        connection.article_page_prepared_on = connection.connection
    cursor.execute(f"EXECUTE {STATEMENT} ({', '.join(['%s'] * len(values))})", values)


def _postgres_article(slug):
    values = [slug, timezone.now(), Article.Status.PUBLISHED, RELATED_COUNT]
    with connection.cursor() as cursor:
        try:
            _execute(cursor, values)
        except OperationalError as error:
            # The server forgot the statement (DISCARD ALL, say): prepare it again, when no transaction failed.
            if getattr(error.__cause__, "pgcode", None) != "26000" or connection.in_atomic_block:
                raise
            connection.article_page_prepared_on = None
            _execute(cursor, values)
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row)
    article = _from_row(Article, values)
    category = _from_row(Category, values)
    reviewer = _from_row(Author, values)
    Article.category.field.set_cached_value(article, category)
    Article.medical_reviewer.field.set_cached_value(article, reviewer if reviewer.pk is not None else None)
    article._prefetched_objects_cache = {}
    for name, model, *_ in RELATIONS:
        _prefetch(article, name, model, [_from_json(model, item) for item in _json(next(values))])
    related = []
    for item in _json(next(values)):
        other = _from_json(Article, item, fields=RELATED_FIELDS)
        Article.category.field.set_cached_value(other, _from_json(Category, item["category"]))
        related.append(other)
    article.related_articles = related
    return article


def _from_row(model, values):
    attnames = _attnames(model)
    return model.from_db(connection.alias, attnames, [next(values) for _ in attnames])


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _from_json(model, item, fields=None):
    """A model instance from a row PostgreSQL wrote as JSON (keys: column names); only ``fields`` if given."""
    attnames, readers = _json_readers(model, fields)
    return model.from_db(connection.alias, attnames, [read(item) for read in readers])


@cache
def _attnames(model):
    return [field.attname for field in model._meta.concrete_fields]


@cache
def _json_readers(model, fields=None):
    """The attribute names of ``model`` (or of its ``fields``) and, for each, how to read it from a JSON row."""
    chosen = [field for field in model._meta.concrete_fields if fields is None or field.attname in fields]
    return [field.attname for field in chosen], [_json_reader(field) for field in chosen]


def _json_reader(field):
    column = field.column
    if isinstance(field, (models.DateField, models.TimeField)):
        # JSON has no dates: PostgreSQL writes them as ISO 8601 text.
        return lambda item: None if item[column] is None else field.to_python(item[column])
    return operator.itemgetter(column)


def _prefetch(instance, name, model, objects):
    """What ``prefetch_related(name)`` leaves on ``instance``: ``instance.<name>.all()`` runs no query."""
    queryset = model._default_manager.all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache[name] = queryset
