from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import search_articles, snippet
from tests.conftest import listed_titles, make_article, make_category, make_tag

pytestmark = pytest.mark.django_db
URL = reverse("articles:search")


@pytest.fixture
def archive():
    cardiology = make_category(name="Cardiology")
    return {
        "stroke": make_article(
            title="Stem cell therapy after stroke",
            standfirst="What trials show about recovery.",
            body="<h2>Evidence</h2><p>Patients recovering from a stroke ask about infusions.</p>",
            tags=[make_tag(name="Neurology")],
        ),
        "heart": make_article(
            title="Heart bypass abroad",
            standfirst="Planning coronary surgery.",
            body="<p>Bypass grafting is major surgery.</p>",
            category=cardiology,
        ),
        "dental": make_article(
            title="Dental implants",
            standfirst="What a quote should include.",
            body="<p>An implant in the jaw replaces a tooth root. Stroke is not mentioned here… well, once.</p>",
            tags=[make_tag(name="Dentistry")],
        ),
        "draft": make_article(title="Stroke draft", status=Article.Status.DRAFT, body="<p>stroke stroke</p>"),
        "future": make_article(
            title="Stroke in the future", published_at=timezone.now() + timedelta(days=1), body="<p>stroke</p>"
        ),
    }


def slugs(query):
    return [article.title for article in search_articles(query)]


def test_finds_words_in_title_body_and_ranks_the_title_first(archive):
    results = slugs("stroke")
    assert results[0] == "Stem cell therapy after stroke"
    assert set(results) == {"Stem cell therapy after stroke", "Dental implants"}


def test_plural_and_partial_words_find_the_article(archive):
    assert "Stem cell therapy after stroke" in slugs("strokes")
    assert "Stem cell therapy after stroke" in slugs("strok")
    assert slugs("implants") == ["Dental implants"]


def test_tags_and_category_are_searched(archive):
    assert slugs("neurology") == ["Stem cell therapy after stroke"]
    assert slugs("cardiology") == ["Heart bypass abroad"]


def test_every_word_must_match(archive):
    assert slugs("heart implant") == []
    assert slugs("stem stroke") == ["Stem cell therapy after stroke"]


def test_unpublished_articles_are_never_found(archive):
    for query in ("draft", "future", "stroke"):
        assert not {"Stroke draft", "Stroke in the future"} & set(slugs(query))


@pytest.mark.parametrize(
    "query",
    ['"stroke', "stroke & | ! :* (", "' OR 1=1 --", "<script>alert(1)</script>", "x" * 5000, "инсульт", "脳卒中",
     "\x00stroke", "%", "_", "\\", "a:*b", "!!!", "   "],
)
def test_no_input_breaks_the_search_page(client, archive, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_operators_and_quotes_are_ignored_not_interpreted(archive):
    assert slugs('"stroke" & !') == slugs("stroke")


def test_results_page_highlights_matches_and_counts(client, archive):
    response = client.get(URL, {"q": "recovering"})
    html = response.content.decode()
    assert "1 result for “recovering”" in html
    assert "<mark>recovering</mark>" in html
    assert reverse("articles:detail", kwargs={"slug": archive["stroke"].slug}) in html


def test_snippet_escapes_the_text_it_marks():
    article = make_article(body="<p>Costs &amp; fees &lt;b&gt;stroke&lt;/b&gt; care</p>")
    html = snippet(article, "stroke")
    assert "<b>" not in html and "&lt;b&gt;" in html and "<mark>stroke</mark>" in html


def test_empty_query_page_invites_a_search(client, archive):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html and "Or browse a section" in html
    assert "result" not in html.split("<h1>")[1].split("Or browse")[0]


def test_no_results_says_so(client, archive):
    html = client.get(URL, {"q": "zebra"}).content.decode()
    assert "0 results for “zebra”" in html and "Nothing matches" in html


def test_results_are_paginated_and_keep_the_query(client):
    for n in range(12):
        make_article(title=f"Knee replacement guide {n}")
    first = client.get(URL, {"q": "knee"}).content.decode()
    assert len(listed_titles(first)) == 10
    assert "?q=knee&amp;page=2" in first
    assert len(listed_titles(client.get(URL, {"q": "knee", "page": 2}).content.decode())) == 2


@pytest.mark.parametrize("count", [3, 25])
def test_search_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    tag = make_tag(name="Orthopaedics")
    for n in range(count):
        make_article(title=f"Knee replacement guide {n}", tags=[tag])
    client.get(URL, {"q": "first"})  # the navigation and footer, cached for every page
    # PostgreSQL: the stems of words the process has not seen, tag and category names, recent matches, older
    # matches from the GIN indexes alone (with the settings that say so, in a savepoint rolled back here), the
    # ranking, the page's articles and their authors.
    with django_assert_max_num_queries(11):
        assert client.get(URL, {"q": "knee"}).status_code == 200




def test_ranking_puts_title_then_tag_then_standfirst_then_body_matches(client):
    body_only = make_article(title="Travel notes", body="<p>Hip surgery went well.</p>")
    in_standfirst = make_article(title="Planning", standfirst="Before hip surgery abroad.")
    tagged = make_article(title="A checklist", tags=[make_tag(name="Hip")])
    in_title = make_article(title="Hip replacement in Spain", published_at=timezone.now() - timedelta(days=400))
    assert [article.pk for article in search_articles("hip")] == [in_title.pk, tagged.pk, in_standfirst.pk, body_only.pk]


def test_an_edited_article_is_found_by_its_new_words_at_once():
    article = make_article(title="Knee surgery")
    article.title = "Shoulder surgery"
    article.save()
    assert slugs("shoulder") == ["Shoulder surgery"] and slugs("knee") == []
    # Also when the row changes without save(), as bulk updates do.
    Article.objects.filter(pk=article.pk).update(title="Elbow surgery")
    assert slugs("elbow") == ["Elbow surgery"]


def test_results_load_only_the_page_shown(django_assert_num_queries):
    for n in range(15):
        make_article(title=f"Cataract surgery {n}")
    results = search_articles("cataract")
    assert len(results) == 15
    with django_assert_num_queries(1):
        page = results[10:15]
    assert [article.title for article in page] == [f"Cataract surgery {n}" for n in range(10, 15)]
    assert results[0].title == "Cataract surgery 0"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bound on ranked matches is PostgreSQL's")
def test_broad_searches_rank_a_bounded_number_of_recent_matches(client, monkeypatch):
    from articles import search

    monkeypatch.setattr(search, "CANDIDATES", 3)
    now = timezone.now()
    recent = [make_article(title=f"Guide {n}", body="<p>Recovery at home.</p>", published_at=now - timedelta(days=n))
              for n in range(1, 6)]  # fmt: skip
    old_title = make_article(title="Recovery after knee surgery", published_at=now - timedelta(days=900))
    ids = [article.pk for article in search_articles("recovery")]
    # The title match comes first although it is the oldest; then the three most recent body matches.
    assert ids == [old_title.pk] + [article.pk for article in recent[:3]]
    html = client.get(URL, {"q": "recovery"}).content.decode()
    assert "Many articles match “recovery”" in html and "Add a word to narrow the search" in html
    assert "4 results" not in html
    assert "Many articles match" not in client.get(URL, {"q": "knee"}).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the window of recent articles is PostgreSQL's")
def test_the_most_recent_matches_come_first_whether_the_archive_is_larger_than_the_window_or_not(monkeypatch):
    from articles import search

    monkeypatch.setattr(search, "CANDIDATES", 2)
    now = timezone.now()
    by_age = [make_article(title=f"Guide {n}", body="<p>Recovery at home.</p>", published_at=now - timedelta(days=n))
              for n in range(1, 5)]  # fmt: skip
    make_article(title="Knee surgery", published_at=now - timedelta(hours=1))  # the most recent, no match
    for window in (3, 500):  # the three most recent articles; every article
        monkeypatch.setattr(search, "WINDOW", window)
        assert [article.pk for article in search_articles("recovery")] == [by_age[0].pk, by_age[1].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings are PostgreSQL's")
def test_a_search_leaves_the_planner_settings_as_they_were():
    make_article(title="Knee surgery")
    assert slugs("knee") == ["Knee surgery"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone() == ("on",)
