"""The public article page's data (articles/article_page.py): one query on PostgreSQL, the ORM's result."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from articles.article_page import PARAMETERS, STATEMENT, _published, published_article
from articles.models import Article, Correction, Reference
from tests.conftest import make_article, make_author, make_category, make_tag

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-query path is PostgreSQL's")


def snapshot(article):
    """Everything the page reads of an article, as plain values."""
    data = {field.attname: getattr(article, field.attname) for field in Article._meta.concrete_fields}
    data["category"] = model_to_dict(article.category)
    data["reviewer"] = model_to_dict(article.medical_reviewer) if article.medical_reviewer else None
    for name in ("authors", "tags", "references", "corrections"):
        data[name] = [{"pk": item.pk, **model_to_dict(item)} for item in getattr(article, name).all()]
    return data


def related_snapshot(articles):
    return [(item.pk, item.title, item.get_absolute_url(), item.published_at, item.category.name) for item in articles]


@pytest.fixture
def full_article(db):
    category, tags = make_category(), [make_tag(name="Stroke"), make_tag(name="Recovery"), make_tag(name="Costs")]
    reviewer = make_author(name="Dr Reviewer", credentials="MD")
    article = make_article(
        category=category,
        tags=tags,
        authors=[make_author(name="Zoe Writer"), make_author(name="Adam Writer", credentials="RN")],
        medical_reviewer=reviewer,
        last_reviewed=date(2026, 1, 5),
        body="<h2>One</h2><p>Text</p>",
    )
    for position, citation in [(2, "Second"), (1, "First"), (1, "First again")]:
        Reference.objects.create(article=article, position=position, citation=citation, doi="10.1000/182")
    Correction.objects.create(article=article, date=date(2026, 2, 1), text="Older fix")
    Correction.objects.create(article=article, date=date(2026, 3, 1), text="Newer fix")
    now = timezone.now()
    for days, fields in [(1, {"tags": [tags[1]]}), (2, {"category": category}), (3, {"tags": [tags[0]]}),
                         (4, {"tags": [tags[2]]}), (5, {"category": category})]:  # fmt: skip
        make_article(published_at=now - timedelta(days=days), **fields)
    make_article(category=category, status=Article.Status.DRAFT)
    make_article(tags=[tags[0]], published_at=now + timedelta(days=1))  # scheduled
    make_article(category=category, published_at=now - timedelta(days=2), expires_at=now - timedelta(hours=1))
    return article


def test_the_page_data_is_what_the_orm_reads(full_article):
    loaded = published_article(full_article.slug)
    expected = Article.objects.select_related("category", "medical_reviewer").get(pk=full_article.pk)
    assert snapshot(loaded) == snapshot(expected)
    assert [author.name for author in loaded.authors.all()] == ["Adam Writer", "Zoe Writer"]
    assert [reference.citation for reference in loaded.references.all()] == ["First", "First again", "Second"]
    assert [correction.text for correction in loaded.corrections.all()] == ["Newer fix", "Older fix"]
    assert loaded.medical_reviewer.name_with_credentials == "Dr Reviewer, MD"
    assert related_snapshot(loaded.related_articles) == related_snapshot(expected.related())
    assert len(loaded.related_articles) == 3


def test_an_article_without_relations(db):
    article = make_article(authors=[make_author()])
    loaded = published_article(article.slug)
    assert loaded.medical_reviewer is None
    assert list(loaded.tags.all()) == list(loaded.references.all()) == list(loaded.corrections.all()) == []
    assert loaded.related_articles == []
    assert snapshot(loaded) == snapshot(Article.objects.get(pk=article.pk))


def test_the_relations_cost_no_further_query(full_article, django_assert_num_queries):
    loaded = published_article(full_article.slug)
    with django_assert_num_queries(0):
        snapshot(loaded)
        related_snapshot(loaded.related_articles)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"published_at": timezone.now() + timedelta(minutes=5)},
        {"published_at": timezone.now() - timedelta(days=2), "expires_at": timezone.now() - timedelta(minutes=5)},
    ],
    ids=["draft", "in review", "scheduled", "expired"],
)
def test_readers_get_no_article_that_is_not_published(db, fields):
    article = make_article(**fields)
    assert published_article(article.slug) is None
    assert published_article("no-such-article") is None


def test_an_article_that_expires_later_is_published(db):
    article = make_article(expires_at=timezone.now() + timedelta(days=1))
    assert published_article(article.slug).pk == article.pk


@postgres_only
@pytest.mark.django_db
def test_the_sql_rule_for_published_is_the_orm_rule():
    now = timezone.now()
    for fields in [{}, {"status": Article.Status.DRAFT}, {"published_at": now + timedelta(hours=1)},
                   {"expires_at": now + timedelta(hours=1)}, {"published_at": now - timedelta(days=1), "expires_at": now}]:  # fmt: skip
        make_article(**fields)
    types = ", ".join(PARAMETERS.values())
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE published_rule ({types}) AS SELECT a.id FROM articles_article a WHERE {_published('a')}")
        cursor.execute("EXECUTE published_rule ('', %s, %s, 0)", [now, Article.Status.PUBLISHED])
        ids = {row[0] for row in cursor.fetchall()}
        cursor.execute("DEALLOCATE published_rule")
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert ids == set(Article.objects.published().values_list("pk", flat=True))
    assert len(ids) == 2


@postgres_only
def test_on_postgresql_a_reader_page_is_one_query(client, full_article, django_assert_num_queries):
    client.get(full_article.get_absolute_url())  # site-wide data now cached
    with django_assert_num_queries(1):
        html = client.get(full_article.get_absolute_url()).content.decode()
    assert "Adam Writer" in html and "Newer fix" in html and "Related articles" in html


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_query_is_prepared_once_per_connection(django_assert_num_queries):
    article = make_article()
    published_article(article.slug)
    with django_assert_num_queries(1) as context:
        assert published_article(article.slug).pk == article.pk
    assert context.captured_queries[0]["sql"].startswith(f"EXECUTE {STATEMENT} (")
    connection.close()  # a new connection prepares it again
    with django_assert_num_queries(2) as context:
        assert published_article(article.slug).pk == article.pk
    assert f"; PREPARE {STATEMENT} (" in context.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s", [STATEMENT])
        assert cursor.fetchone() == (1, 0)  # planned once, for every article


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_server_forgot_is_prepared_again():
    article = make_article()
    published_article(article.slug)
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {STATEMENT}")
    assert published_article(article.slug).pk == article.pk
