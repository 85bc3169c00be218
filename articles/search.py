"""
Search over published articles: title, standfirst, body, tags and category.

PostgreSQL: full-text search with English stemming and prefix matching, ranked
with weights (title A, standfirst B, body C) and served by a GIN index
(migration ``0002_article_search_index``). Other databases: a simpler
``icontains`` fallback with the same interface. Both go through
``Article.objects.published()``.
"""

import html
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .models import Article, Category, Tag

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
TERM_RE = re.compile(r"\w+", re.UNICODE)
SEARCH_CONFIG = "english"

# The indexed document: the expression must match the GIN index exactly for PostgreSQL to use it.
DOCUMENT = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
    + SearchVector("body", weight="C", config=SEARCH_CONFIG)
)


def search_terms(query):
    """Words of the query, without operators or punctuation, so no input can break the search."""
    return [term.lower() for term in TERM_RE.findall((query or "")[:MAX_QUERY_LENGTH])][:MAX_TERMS]


def light_stem(term):
    # For the fallback and for highlighting: "strokes" and "stroked" find "stroke".
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if len(term) > len(suffix) + 3 and term.endswith(suffix):
            return term[: -len(suffix)]
    return term


def search_articles(query):
    """Published articles matching every term of ``query``, best first."""
    terms = search_terms(query)
    if not terms:
        return Article.objects.none()
    if connection.vendor == "postgresql":
        return _postgres_search(terms)
    return _fallback_search(terms)


def _label_match(terms):
    """Articles whose tag or category name holds every term (subqueries: no duplicate rows)."""
    names = Q()
    for term in terms:
        names &= Q(name__icontains=light_stem(term))
    tagged = Article.tags.through.objects.filter(tag__in=Tag.objects.filter(names)).values("article_id")
    return Q(pk__in=tagged) | Q(category__in=Category.objects.filter(names))


def _postgres_search(terms):
    # Prefix matching on each stemmed word: "strok" finds "stroke", "strokes" finds "stroke".
    tsquery = SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config=SEARCH_CONFIG)
    by_label = _label_match(terms)
    # A subquery on the indexed expression alone, so that PostgreSQL answers it from the GIN index.
    full_text = Article.objects.annotate(document=DOCUMENT).filter(document=tsquery).values("pk")
    return (
        Article.objects.published()
        .filter(Q(pk__in=full_text) | by_label)
        .annotate(
            rank=SearchRank(DOCUMENT, tsquery)
            + Case(When(by_label, then=Value(0.5)), default=Value(0.0), output_field=FloatField())
        )
        .order_by("-rank", "-published_at")
    )


def _fallback_search(terms):
    matches = Q()
    for term in terms:
        stem = light_stem(term)
        matches &= (
            Q(title__icontains=stem) | Q(standfirst__icontains=stem) | Q(body__icontains=stem) | _label_match([term])
        )
    first = light_stem(terms[0])
    return (
        Article.objects.published()
        .filter(matches)
        .annotate(
            rank=Case(
                When(title__icontains=first, then=Value(3)),
                When(standfirst__icontains=first, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "-published_at")
    )


def snippet(article, query, words=32):
    """A short passage of the article around the first match, with the matches in <mark>."""
    stems = [light_stem(term) for term in search_terms(query)]
    text = " ".join(html.unescape(strip_tags(article.body)).split()) or article.standfirst
    tokens = text.split(" ")
    lowered = [token.lower() for token in tokens]
    start = next((i for i, token in enumerate(lowered) if any(stem in token for stem in stems)), None)
    if start is None:
        tokens, start = article.standfirst.split(" "), 0
    begin = max(0, start - words // 3)
    passage = tokens[begin : begin + words]
    # The whole word around a stem: "recovering" is marked for the query "recovering" (stem "recover").
    alternatives = "|".join(re.escape(stem) for stem in stems)
    pattern = re.compile(rf"(\w*(?:{alternatives})\w*)", re.IGNORECASE) if stems else None
    marked = []
    for token in passage:
        parts = pattern.split(token) if pattern else [token]
        # Odd parts are the matches; everything is escaped before it is marked.
        marked.append("".join(f"<mark>{escape(part)}</mark>" if i % 2 else escape(part) for i, part in enumerate(parts)))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if begin + words < len(tokens) else ""
    return mark_safe(prefix + " ".join(marked) + suffix)  # nosec B308 B703  # every part escaped above
