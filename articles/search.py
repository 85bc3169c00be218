"""
Search over published articles: title, standfirst, body, tags and category.

PostgreSQL: full-text search with English stemming and prefix matching. Each article's search vectors are
stored in generated columns with GIN indexes (migration ``0006_article_stored_search_vectors``):
``search_heading`` (title weighted A, standfirst B) and ``search_document`` (the same plus the body, C).
A search does a bounded amount of work at any archive size (see ``_postgres_search``): it ranks at most a
few hundred candidates, and the page says so when more articles match. Other databases: a simpler
``icontains`` fallback with the same interface. Both go through ``Article.objects.published().in_language()``:
the articles readers may see, in the page's language.
"""

import difflib
import hashlib
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField, TrigramSimilarity
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, Expression, IntegerField, Q, Subquery, Value, When
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from magazine.pagecache.data import data_timeout, versioned_key
from magazine.pagecache.memo import VersionMemo

from .models import Article, Category, SearchSynonym, SearchWord, Tag
from .sanitize import plain_text
from .words import MAX_QUERY_LENGTH, TERM_RE, search_terms, synonym_phrases  # noqa: F401  # also the search's interface

SEARCH_CONFIG = "english"
# Matches of each kind ranked per search, and how many of the most recent articles are searched in full.
CANDIDATES = 100
WINDOW = 500
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)  # the window's start in an archive of fewer than WINDOW articles
TEXT, LABEL, OLDER = "text", "label", "older"
# Added to the rank of an article with a tag or category named by the query: above a match in the
# standfirst, below one in the title.
LABEL_BONUS = 0.3
# A word typed in part: "rehabilitat" finds "rehabilitation", stored as its stem "rehabilit", shorter than what
# was typed. Besides the word's own stem (and, for the last word, every word it starts), each shortening of the
# word by up to PREFIX_SHORTENING letters, down to PREFIX_SHORTEST letters, is looked up as a whole stem.
PREFIX_SHORTENING = 4
PREFIX_SHORTEST = 5
# Words remembered for corrections, and how alike a correction must be: candidates are found by pg_trgm
# similarity (difflib elsewhere), then kept only within a number of typos of the word typed, as the dedicated
# engines count them (a typo is a letter left out, added, changed, or two letters swapped): one in a word of up
# to TWO_TYPOS_FROM - 1 letters, two from TWO_TYPOS_FROM. "hart" is "heart", "rhinoplasty" is not "angioplasty".
WORD_LENGTHS = (3, 40)
CORRECTION_SIMILARITY = 0.3
CORRECTION_CANDIDATES = 10
TWO_TYPOS_FROM = 9
FALLBACK_CORRECTION_RATIO = 0.75
SYNONYMS_KEY = "search:synonyms"
# PostgreSQL's English stop words (tsearch_data/english.stop): words the fallback does not require either.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the and
    but if or because as until while of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own
    same so than too very s t can will just don should now
    """.split()
)


def light_stem(term):
    # For the fallback and for highlighting: "strokes" and "stroked" find "stroke".
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if len(term) > len(suffix) + 3 and term.endswith(suffix):
            return term[: -len(suffix)]
    return term


# Synonyms


def synonym_groups():
    """The synonyms editors entered, as lists of phrases; cached until the next edit."""
    key = versioned_key(SYNONYMS_KEY)
    groups = cache.get(key)
    if groups is None:
        groups = [synonym_phrases(terms) for terms in SearchSynonym.objects.filter(is_active=True).values_list("terms", flat=True)]
        groups = [group for group in groups if len(group) > 1]
        cache.set(key, groups, data_timeout())
    return groups


@dataclass(frozen=True)
class Slot:
    """A word of the query, or a phrase of it that has synonyms: one of ``phrases`` must match."""

    phrases: tuple
    typed: bool  # the reader's own word, not a synonym group (only those are matched as prefixes)


def query_slots(terms, groups=None):
    """The query's words, with each phrase that has synonyms replaced by all its synonyms (longest match first)."""
    groups = synonym_groups() if groups is None else groups
    by_phrase = {}
    for group in groups:
        for phrase in group:
            key = tuple(light_stem(word) for word in phrase)
            by_phrase.setdefault(key, set()).update(group)
    longest = max((len(phrase) for phrase in by_phrase), default=0)
    slots, i = [], 0
    while i < len(terms):
        for length in range(min(longest, len(terms) - i), 0, -1):
            group = by_phrase.get(tuple(light_stem(word) for word in terms[i : i + length]))
            if group:
                slots.append(Slot(tuple(sorted(group)), typed=False))
                i += length
                break
        else:
            slots.append(Slot(((terms[i],),), typed=True))
            i += 1
    return slots


def expanded_words(slots):
    """Every word a search looks for, synonyms included (for highlighting)."""
    return sorted({word for slot in slots for phrase in slot.phrases for word in phrase})


# Filters


@dataclass(frozen=True)
class SearchFilters:
    """What a reader narrowed the search to: a category, articles published since a day."""

    category: Category | None = None
    since: date | None = None

    def apply(self, queryset):
        if self.category is not None:
            queryset = queryset.filter(category=self.category)
        if self.since is not None:
            queryset = queryset.filter(published_at__date__gte=self.since)
        return queryset

    def __bool__(self):
        return self.category is not None or self.since is not None


NO_FILTERS = SearchFilters()


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


class SearchResults(Sequence):
    """
    The ranked matches of a search: their ids are found at once (which also counts them), and only the
    articles of the page shown are loaded, through ``queryset`` (select or prefetch what the page needs).

    ``corrected`` is the query that was searched instead when the reader's words found nothing and a correction
    of them did ("stemm cel": "stem cell"); ``words`` are all the words looked for, synonyms included.
    """

    def __init__(self, ranked_ids, queryset=None, *, capped=False, corrected=None, words=()):
        self.ids = list(ranked_ids)
        self.queryset = Article.objects.all() if queryset is None else queryset
        # True when more articles match than were ranked (PostgreSQL: the CANDIDATES bound).
        self.capped = capped
        self.corrected = corrected
        self.words = list(words)

    def using(self, queryset):
        return SearchResults(self.ids, queryset, capped=self.capped, corrected=self.corrected, words=self.words)

    def kept(self):
        """What the cache keeps of these results (ids and what the page says of them, not the articles)."""
        return {"ids": self.ids, "capped": self.capped, "corrected": self.corrected, "words": self.words}

    @classmethod
    def restore(cls, kept):
        return cls(kept["ids"], capped=kept["capped"], corrected=kept["corrected"], words=kept["words"])

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            articles = self.queryset.in_bulk(ids) if ids else {}
            return [articles[pk] for pk in ids if pk in articles]
        return self[index : index + 1 or None][0]


def search_articles(query, filters=NO_FILTERS):
    """
    Published articles matching every word of ``query`` (or one of its synonyms), best first. When nothing
    matches, the words are corrected to the closest words of titles, tags and categories, and the corrected
    query is searched instead if it finds something.

    The ranked ids are cached under the site version (any committed edit starts anew) for SEARCH_CACHE_SECONDS
    at most, and never past the next scheduled publication or expiry: a cached search answers what the search
    itself would. When the cache fails, the search runs.
    """
    terms = search_terms(query)
    if not terms:
        return SearchResults([])
    seconds = settings.SEARCH_CACHE_SECONDS
    if seconds <= 0:
        return _search_with_corrections(terms, filters)
    key = _results_key(terms, filters)
    kept = cache.get(key)
    if kept is not None:
        return SearchResults.restore(kept)
    results = _search_with_corrections(terms, filters)
    timeout = data_timeout(seconds)
    if timeout > 0:
        cache.set(key, results.kept(), timeout)
    return results


def _results_key(terms, filters):
    """The cache key of a search: its words, its filters and the language of the page, under the site version."""
    category = filters.category.pk if filters.category is not None else None
    since = filters.since.isoformat() if filters.since is not None else None
    described = json.dumps([translation.get_language(), terms, category, since])
    return versioned_key("search:results:" + hashlib.sha256(described.encode()).hexdigest())


def _search_with_corrections(terms, filters):
    results = _search(terms, filters)
    if results:
        return results
    corrected = correct_terms(terms)
    if corrected != terms:
        found = _search(corrected, filters)
        if found:
            found.corrected = " ".join(corrected)
            return found
    return results


def _search(terms, filters):
    slots = query_slots(terms)
    if connection.vendor == "postgresql":
        ids, capped = _postgres_search(terms, slots, filters)
    else:
        ids, capped = _fallback_search(terms, slots, filters).values_list("pk", flat=True), False
    return SearchResults(ids, capped=capped, words=expanded_words(slots))


# Corrections


def title_words(text):
    """The words of a title or name kept for corrections: not numbers, not one or two letters."""
    low, high = WORD_LENGTHS
    words = (word.lower() for word in TERM_RE.findall(text or ""))
    return {word for word in words if low <= len(word) <= high and not word.isdigit()}


def remember_words(*texts):
    """Keep the words of ``texts`` (a title, a tag or category name) for corrections."""
    _add_words(set().union(*(title_words(text) for text in texts)))


def remember_saved_words(sender, instance, raw=False, using=None, **kwargs):
    """After an article, tag or category is saved and committed, keep the words of its title or name."""
    if not raw:
        text = instance.title if sender is Article else instance.name
        transaction.on_commit(lambda: remember_words(text), using=using)


def _add_words(words):
    SearchWord.objects.bulk_create([SearchWord(word=word) for word in words], ignore_conflicts=True, batch_size=1000)


def refresh_words():
    """
    Keep the words of every article title, tag and category name, and only those (``manage.py
    refresh_search_words``; run after bulk imports, which save no article one by one). Returns their number.
    """
    words = set()
    for model, field in ((Article, "title"), (Tag, "name"), (Category, "name")):
        for text in model.objects.order_by().values_list(field, flat=True).iterator(chunk_size=5000):
            words |= title_words(text)
    with transaction.atomic():
        stale = [pk for pk, word in SearchWord.objects.values_list("pk", "word").iterator() if word not in words]
        for start in range(0, len(stale), 1000):
            SearchWord.objects.filter(pk__in=stale[start : start + 1000]).delete()
        _add_words(words)
    return len(words)


def correct_terms(terms):
    """Each word that no title, tag or category uses, replaced by the most alike word that one does."""
    known = set(SearchWord.objects.filter(word__in=terms).values_list("word", flat=True))
    corrected = []
    for term in terms:
        if term in known or len(term) < WORD_LENGTHS[0] or term.isdigit():
            corrected.append(term)
        else:
            corrected.append(_closest_word(term) or term)
    return corrected


def _closest_word(term):
    """The remembered word closest to ``term`` within the typos allowed for its length, or None."""
    if connection.vendor == "postgresql":
        # The trigram index on the words (migration search_synonyms_and_words) finds them without reading every word.
        candidates = list(
            SearchWord.objects.filter(word__trigram_similar=term)
            .annotate(similarity=TrigramSimilarity("word", term))
            .filter(similarity__gte=CORRECTION_SIMILARITY)
            .order_by("-similarity", "word")
            .values_list("word", flat=True)[:CORRECTION_CANDIDATES]
        )
    else:
        words = SearchWord.objects.filter(word__startswith=term[0]).values_list("word", flat=True)[:5000]
        candidates = difflib.get_close_matches(
            term, list(words), n=CORRECTION_CANDIDATES, cutoff=FALLBACK_CORRECTION_RATIO
        )
    allowed = typos_allowed(term)
    # The fewest typos first; among as many, the most alike (the candidates' order).
    distances = [(typos(term, word), position, word) for position, word in enumerate(candidates)]
    within = [entry for entry in distances if entry[0] <= allowed]
    return min(within)[2] if within else None


def typos_allowed(word):
    return 2 if len(word) >= TWO_TYPOS_FROM else 1


def typos(typed, word):
    """
    How many typos turn ``typed`` into ``word``: letters left out, added or changed, and two neighbouring letters
    swapped (the optimal string alignment distance).
    """
    previous2, previous = None, list(range(len(word) + 1))
    for i, letter in enumerate(typed, 1):
        current = [i] + [0] * len(word)
        for j, other in enumerate(word, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != other))
            if i > 1 and j > 1 and letter == word[j - 2] and typed[i - 2] == other:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


# PostgreSQL


# The lexemes PostgreSQL stores for each word seen (its English stem; none for a stop word such as "what").
_stems = {}
STEMS_KEPT = 20000


def stems_of(words):
    """The stored lexemes of each of ``words``, in one query for the words this process has not seen yet."""
    stems = {word: _stems[word] for word in words if word in _stems}
    missing = sorted(set(words) - stems.keys())
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, tsvector_to_array(to_tsvector(%s::regconfig, word)) FROM unnest(%s::text[]) AS word",
                [SEARCH_CONFIG, missing],
            )
            found = {word: tuple(lexemes) for word, lexemes in cursor.fetchall()}
        if len(_stems) > STEMS_KEPT:
            _stems.clear()
        _stems.update(found)
        stems.update(found)
    return stems


def _lexeme(text, prefix=False):
    return "'" + text.replace("'", "''").replace("\\", "\\\\") + "'" + (":*" if prefix else "")


def _word_query(word, stems, *, last):
    """The alternatives that match a word: its stems; shortenings of it as stems; its start (the last word)."""
    if not stems:
        return None
    alternatives = [" & ".join(_lexeme(stem, prefix=last) for stem in stems)]
    if len(stems) == 1:
        for length in range(max(PREFIX_SHORTEST, len(word) - PREFIX_SHORTENING), len(word)):
            if word[:length] != stems[0]:
                alternatives.append(_lexeme(word[:length]))
    return "(" + " | ".join(alternatives) + ")"


def postgres_tsquery(slots):
    """The query as PostgreSQL text search syntax over stored lexemes (the ``simple`` configuration keeps them)."""
    stems = stems_of([word for slot in slots for phrase in slot.phrases for word in phrase])
    parts = []
    for index, slot in enumerate(slots):
        last = index == len(slots) - 1 and slot.typed
        phrases = []
        for phrase in slot.phrases:
            words = [query for query in (_word_query(word, stems[word], last=last) for word in phrase) if query]
            if words:
                phrases.append("(" + " & ".join(words) + ")")
        if phrases:
            parts.append("(" + " | ".join(phrases) + ")")
    return " & ".join(parts)


def _postgres_search(terms, slots, filters):
    """Ranked ids of the matching articles, and whether more articles match than were ranked."""
    # Each word stemmed ("strokes" finds "stroke"), the last one also as the start of a word: a reader may not
    # have finished typing it ("strok" finds "stroke"). Only the last: a prefix makes PostgreSQL read every
    # article of every word it starts, where whole words let it skip to the articles holding the rarest one
    # (a three-word search took 8 ms instead of 1 ms per index).
    text = postgres_tsquery(slots)
    if not text:
        return [], False
    tsquery = SearchQuery(text, search_type="raw", config="simple")
    heading, document = StoredVector("search_heading"), StoredVector("search_document")
    published = filters.apply(Article.objects.published().in_language())
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
    older = filters.apply(Article.objects.order_by())
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
    """Ids of the tags and of the categories whose name holds every term (as ``_names_holding``, in Python)."""
    stems = [light_stem(term).casefold() for term in terms]
    tags, categories = [], []
    for kind, pk, name in _label_names.get_or_make(translation.get_language(), _all_label_names, keep=lambda _: True):
        if all(stem in name for stem in stems):
            (tags if kind == "tag" else categories).append(pk)
    return tags, categories


# Every tag's and category's name, in each language, kept by each process under the site version: a search asks the
# database nothing for them.
_label_names = VersionMemo(size=16)


def _all_label_names():
    return [("tag", tag.pk, tag.name.casefold()) for tag in Tag.objects.order_by("name")] + [
        ("category", category.pk, category.name.casefold()) for category in Category.objects.all()
    ]


# Other databases


def _text_match(word):
    stem = light_stem(word)
    return Q(title__icontains=stem) | Q(standfirst__icontains=stem) | Q(body__icontains=stem) | _label_match([word])


def _fallback_search(terms, slots, filters):
    matches = Q()
    for slot in slots:
        alternatives = Q()
        for phrase in slot.phrases:
            every_word = Q()
            for word in phrase:
                if word not in STOP_WORDS:
                    every_word &= _text_match(word)
            alternatives |= every_word
        matches &= alternatives
    first = light_stem(terms[0])
    return (
        filters.apply(Article.objects.published().in_language())
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


def snippet(article, query, words=32, *, looked_for=None):
    """
    A short passage of the article around the first match, with the matches in <mark>. ``looked_for``: the
    words the search looked for (``SearchResults.words``: synonyms and corrections included), if not the query's.
    """
    stems = [light_stem(term) for term in (looked_for or search_terms(query))]
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
