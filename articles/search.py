"""
Search over published articles: title, standfirst, body, tags and category.

PostgreSQL: full-text search with English stemming and prefix matching. Each article's search vectors are
stored in generated columns with GIN indexes (migration ``0006_article_stored_search_vectors``):
``search_heading`` (title weighted A, standfirst B) and ``search_document`` (the same plus the body, C).
A search does a bounded amount of work at any archive size (see ``_postgres_search``): it ranks at most a
few hundred candidates, and the page says so when more articles match. Other databases: a simpler
``icontains`` fallback with the same interface. Both go through ``Article.objects.published()``.
"""

import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, transaction
from django.db.models import Case, Expression, IntegerField, Q, Subquery, Value, When
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article, Category, Tag
from .sanitize import plain_text

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
TERM_RE = re.compile(r"\w+", re.UNICODE)
SEARCH_CONFIG = "english"
# Matches of each kind ranked per search, and how many of the most recent articles are searched in full.
CANDIDATES = 100
WINDOW = 500
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)  # the window's start in an archive of fewer than WINDOW articles
TEXT, LABEL, OLDER = "text", "label", "older"
# Added to the rank of an article with a tag or category named by the query: above a match in the
# standfirst, below one in the title.
LABEL_BONUS = 0.3


class StoredVector(Expression):
    """A search vector column PostgreSQL generates on ``articles_article`` (not a model field)."""

    output_field = SearchVectorField()

    def __init__(self, column):
        super().__init__()
        self.column = column

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        # A column of the query's own table, so that it stays right when the query becomes a subquery.
        target = SearchVectorField()
        target.set_attributes_from_name(self.column)
        return Col(query.get_initial_alias(), target, output_field=target)


def search_terms(query):
    """Words of the query, without operators or punctuation, so no input can break the search."""
    return [term.lower() for term in TERM_RE.findall((query or "")[:MAX_QUERY_LENGTH])][:MAX_TERMS]


def light_stem(term):
    # For the fallback and for highlighting: "strokes" and "stroked" find "stroke".
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if len(term) > len(suffix) + 3 and term.endswith(suffix):
            return term[: -len(suffix)]
    return term


class SearchResults(Sequence):
    """
    The ranked matches of a search: their ids are found at once (which also counts them), and only the
    articles of the page shown are loaded, through ``queryset`` (select or prefetch what the page needs).
    """

    def __init__(self, ranked_ids, queryset=None, *, capped=False):
        self.ids = list(ranked_ids)
        self.queryset = Article.objects.all() if queryset is None else queryset
        # True when more articles match than were ranked (PostgreSQL: the CANDIDATES bound).
        self.capped = capped

    def using(self, queryset):
        return SearchResults(self.ids, queryset, capped=self.capped)

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            articles = self.queryset.in_bulk(ids) if ids else {}
            return [articles[pk] for pk in ids if pk in articles]
        return self[index : index + 1 or None][0]


def search_articles(query):
    """Published articles matching every term of ``query``, best first."""
    terms = search_terms(query)
    if not terms:
        return SearchResults([])
    if connection.vendor == "postgresql":
        ids, capped = _postgres_search(terms)
        return SearchResults(ids, capped=capped)
    return SearchResults(_fallback_search(terms).values_list("pk", flat=True))


def _names_holding(terms):
    """Tags or categories whose name holds every term (a condition on ``name``)."""
    names = Q()
    for term in terms:
        names &= Q(name__icontains=light_stem(term))
    return names


def _label_match(terms):
    """Articles whose tag or category name holds every term (subqueries: no duplicate rows)."""
    names = _names_holding(terms)
    tagged = Article.tags.through.objects.filter(tag__in=Tag.objects.filter(names)).values("article_id")
    return Q(pk__in=tagged) | Q(category__in=Category.objects.filter(names))


def _label_ids(terms):
    """Ids of the tags and of the categories whose name holds every term, in one query."""
    names = _names_holding(terms)
    labels = Tag.objects.filter(names).values_list("pk", Value("tag")).union(
        Category.objects.filter(names).values_list("pk", Value("category"))
    )
    tags, categories = [], []
    for pk, kind in labels:
        (tags if kind == "tag" else categories).append(pk)
    return tags, categories


def _postgres_search(terms):
    """Ranked ids of the matching articles, and whether more articles match than were ranked."""
    # Each word stemmed ("strokes" finds "stroke"), the last one also as the start of a word: a reader may not
    # have finished typing it ("strok" finds "stroke"). Only the last: a prefix makes PostgreSQL read every
    # article of every word it starts, where whole words let it skip to the articles holding the rarest one
    # (a three-word search took 8 ms instead of 1 ms per index).
    words = [*terms[:-1], f"{terms[-1]}:*"]
    tsquery = SearchQuery(" & ".join(words), search_type="raw", config=SEARCH_CONFIG)
    heading, document = StoredVector("search_heading"), StoredVector("search_document")
    published = Article.objects.published()
    by_date = published.order_by("-published_at")
    # Each part costs a bounded amount of work, whatever PostgreSQL estimates of how many articles match:
    # 1. the most recent matches among the WINDOW most recent articles (those published since the WINDOW-th),
    #    read in date order so that PostgreSQL stops at the CANDIDATES-th match when the words are common,
    #    and the most recent articles of a tag or category named by the query;
    window_start = Coalesce(Subquery(by_date.values("published_at")[WINDOW - 1 : WINDOW]), Value(EARLIEST))
    in_window = by_date.filter(published_at__gte=window_start)
    parts = [in_window.alias(document=document).filter(document=tsquery).values_list("pk", Value(TEXT))[:CANDIDATES]]
    tags, categories = _label_ids(terms)
    if tags:
        parts.append(by_date.filter(tags__in=tags).values_list("pk", Value(LABEL))[:CANDIDATES])
    if categories:
        parts.append(by_date.filter(category__in=categories).values_list("pk", Value(LABEL))[:CANDIDATES])
    found = list(parts[0].union(*parts[1:]))
    # 2. matches of any age, from the GIN indexes alone (no other condition another index could serve; the
    #    ranking below keeps the published ones): each part stops at CANDIDATES rows. Reading the text of
    #    article after article instead, which the planner picks when it misjudges how many articles match,
    #    can take a hundred times longer. Titles and standfirsts always; the full text only when the recent
    #    articles did not already give CANDIDATES matches (then the words are everywhere).
    older = Article.objects.order_by()
    older_parts = [older.alias(heading=heading).filter(heading=tsquery).values_list("pk", Value(TEXT))[:CANDIDATES]]
    everywhere = sum(kind == TEXT for _, kind in found) >= CANDIDATES
    if not everywhere:
        older_parts.append(
            older.alias(document=document).filter(document=tsquery).values_list("pk", Value(OLDER))[:CANDIDATES]
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true),"
            " set_config('enable_indexonlyscan', 'off', true)"
        )
        found += older_parts[0].union(*older_parts[1:], all=True)
        # Nothing was written: rolling back ends the settings above, also inside an outer transaction.
        transaction.set_rollback(True)
    labelled = {pk for pk, kind in found if kind == LABEL}
    capped = everywhere or sum(kind == OLDER for _, kind in found) >= CANDIDATES or len(labelled) >= CANDIDATES
    # The rank comes from the title (weight A) and standfirst (B), plus a bonus for a tag or category of
    # that name; articles that mention the words only in their body follow, most recent first.
    label_bonus = Case(When(pk__in=labelled, then=Value(LABEL_BONUS)), default=Value(0.0)) if labelled else Value(0.0)
    ranked = (
        published.filter(pk__in={pk for pk, _ in found})
        .annotate(rank=SearchRank(heading, tsquery) + label_bonus)
        .order_by("-rank", "-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    return list(ranked), capped


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
                When(title__icontains=first, then=Value(4)),
                When(_label_match(terms), then=Value(3)),
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
    # The text is escaped below.
    text = " ".join(html.unescape(plain_text(article.body)).split()) or article.standfirst
    # The whole word around a stem: "recovering" is marked for the query "recovering" (stem "recover").
    alternatives = "|".join(re.escape(stem) for stem in stems)
    pattern = re.compile(rf"(\w*(?:{alternatives})\w*)", re.IGNORECASE) if stems else None
    first = re.search(alternatives, text, re.IGNORECASE) if stems else None
    if first is None:
        text = article.standfirst
    tokens = text.split(" ")
    start = text.count(" ", 0, first.start()) if first else 0
    begin = max(0, start - words // 3)
    passage = tokens[begin : begin + words]
    marked = []
    for token in passage:
        parts = pattern.split(token) if pattern else [token]
        # Odd parts are the matches; everything is escaped before it is marked.
        marked.append("".join(f"<mark>{escape(part)}</mark>" if i % 2 else escape(part) for i, part in enumerate(parts)))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if begin + words < len(tokens) else ""
    return mark_safe(prefix + " ".join(marked) + suffix)  # nosec B308 B703  # every part escaped above
