"""
The data of a public article page: the article, its category, reviewer, authors, tags, references,
corrections and related articles.

On PostgreSQL it comes in one query, built from the ORM, with no SQL written here: the published article at the
slug (``Article.objects.published()``) with its category and reviewer, each relation as a JSON array of its
model's own queryset, in its ``Meta.ordering`` and with each value read back through its field
(``magazine/postgresql/json_rows.py``), and the related articles of ``Article.objects.related_to()``, the rule
``Article.related()`` follows. A page that is not in the page cache then costs one round trip. The query is a
prepared statement of each connection (``magazine/postgresql/prepared.py``), compiled once per process, whose only
parameters are the slug and the time: PostgreSQL parses and plans it once, not at every page, where that took two
thirds of its time, and Django does not build and compile it at every page, which takes ten times longer than
running it. Other databases use the ORM's ``select_related`` and ``prefetch_related``.

Either way the article looks the same to its template: ``article.authors.all()`` and the other relations are
prefetched, ``article.related_articles`` lists the related articles with their category, and
``article.language_versions`` its published versions in other languages (its source and translations).
"""

from datetime import datetime
from types import SimpleNamespace

from django.db import connection
from django.db.models import OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from magazine.postgresql.json_rows import JSONRows
from magazine.postgresql.prepared import PreparedQuery

from .models import Article

RELATED_COUNT = 3
# The relations the page shows, as prefetch_related() and the page (its template and structured data) know them.
RELATION_NAMES = ("authors", "tags", "references", "corrections")
# What a list of related articles shows of each: its card's image, section, title and date.
RELATED_FIELDS = (
    "title", "slug", "language", "published_at", "category", "hero_image", "hero_width", "hero_height", "hero_alt",
)  # fmt: skip
# What the page shows of the article's versions in other languages: the language switcher, hreflang, JSON-LD.
VERSION_FIELDS = ("title", "slug", "language", "translation_of")
# The article of the outer query, as related_to() and versions_of() take it in a subquery.
OUTER_ARTICLE = SimpleNamespace(
    pk=OuterRef("pk"),
    category_id=OuterRef("category_id"),
    language=OuterRef("language"),
    source_id=Coalesce(OuterRef("translation_of_id"), OuterRef("pk")),
)


def with_page_data(queryset):
    """``queryset`` with what an article page shows loaded by the ORM (staff previews, other databases)."""
    return queryset.select_related("category", "medical_reviewer", "translator").prefetch_related(*RELATION_NAMES)


def published_article(slug):
    """The published article at ``slug`` with everything its page shows, or None."""
    if connection.vendor == "postgresql":
        found = PAGE.fetch(slug=slug, now=timezone.now())
        return _with_relations(found[0]) if found else None
    now = timezone.now()
    article = with_page_data(_readers_article(slug, now)).first()
    if article is not None:
        add_page_lists(article, now=now)
    return article


def add_page_lists(article, *, now=None):
    """The lists of other articles the page shows, read for ``article`` (other databases, staff previews)."""
    article.related_articles = list(article.related(RELATED_COUNT).only(*RELATED_FIELDS))
    article.language_versions = list(_published_versions(article, now or timezone.now()))


def _published_versions(article, now):
    return Article.objects.published(now=now).versions_of(article).only(*VERSION_FIELDS)


def _readers_article(slug, now):
    published = Article.objects.published(now=now).filter(slug=slug)
    return published.select_related("category", "medical_reviewer", "translator")


def _relation(name):
    """The objects of the relation ``name`` of the outer query's article, from their model's default manager."""
    relation = Article._meta.get_field(name)
    lookup = relation.related_query_name() if relation.many_to_many else relation.field.name
    return relation.related_model._default_manager.filter(**{lookup: OuterRef("pk")})


def _page(slug, now):
    related = Article.objects.related_to(OUTER_ARTICLE, RELATED_COUNT, now=now).select_related("category")
    return _readers_article(slug, now).order_by().annotate(
        **{f"{name}_rows": JSONRows(_relation(name)) for name in RELATION_NAMES},
        related_articles=JSONRows(related.only(*RELATED_FIELDS)),
        language_versions=JSONRows(_published_versions(OUTER_ARTICLE, now)),
    )


PAGE = PreparedQuery("magazine_article_page", _page, slug=str, now=datetime)


def _with_relations(article):
    """The relations read with the article put where ``prefetch_related`` puts them."""
    article._prefetched_objects_cache = {}
    for name in RELATION_NAMES:
        model = Article._meta.get_field(name).related_model
        # What prefetch_related() leaves: ``article.<name>.all()`` runs no query.
        queryset = model._default_manager.all()
        queryset._result_cache = article.__dict__.pop(f"{name}_rows")
        queryset._prefetch_done = True
        article._prefetched_objects_cache[name] = queryset
    return article
