from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import search_articles, snippet
from tests.conftest import make_article, make_category, make_tag

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
    first = client.get(URL, {"q": "knee"})
    assert len(first.context["object_list"]) == 10
    assert "?q=knee&amp;page=2" in first.content.decode()
    assert len(client.get(URL, {"q": "knee", "page": 2}).context["object_list"]) == 2


@pytest.mark.parametrize("count", [3, 25])
def test_search_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    tag = make_tag(name="Orthopaedics")
    for n in range(count):
        make_article(title=f"Knee replacement guide {n}", tags=[tag])
    with django_assert_max_num_queries(5):
        assert client.get(URL, {"q": "knee"}).status_code == 200
