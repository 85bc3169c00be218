"""The public article page's data (articles/article_page.py): one query on PostgreSQL, the ORM's result."""

import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection, models, transaction
from django.db.models import F, OuterRef, Q
from django.forms.models import model_to_dict
from django.test.utils import isolate_apps
from django.utils import timezone

from articles.article_page import PAGE, published_article
from articles.models import Article, ArticleQuerySet, Correction, Reference
from magazine.postgresql.json_rows import JSONRows
from magazine.postgresql.prepared import NotPreparable, PreparedQuery
from tests.conftest import make_article, make_author, make_category, make_tag

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-query path is PostgreSQL's")


@pytest.fixture(autouse=True)
def page_compiled_afresh():
    # The statement is compiled once per process: a test that changes a rule, or an ordering, must see its change,
    # and the tests after it the rule as it is.
    PAGE.reset()
    yield
    PAGE.reset()


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


@pytest.mark.parametrize(
    "condition",
    [lambda hidden: ~Q(slug=hidden.slug), lambda hidden: Q(featured=False)],
    ids=["another condition", "a condition on another field"],
)
def test_readers_get_what_the_publishing_rule_gives_them(full_article, monkeypatch, condition):
    hidden = full_article.related()[0]
    Article.objects.filter(pk=hidden.pk).update(featured=True)
    assert published_article(hidden.slug).pk == hidden.pk
    assert hidden.pk in [item.pk for item in published_article(full_article.slug).related_articles]

    rule = ArticleQuerySet.published
    monkeypatch.setattr(ArticleQuerySet, "published", lambda self, **kw: rule(self, **kw).filter(condition(hidden)))
    PAGE.reset()
    assert published_article(hidden.slug) is None
    related = published_article(full_article.slug).related_articles
    assert hidden.pk not in [item.pk for item in related]
    assert related_snapshot(related) == related_snapshot(full_article.related())


def test_related_articles_are_what_the_related_rule_gives(full_article, monkeypatch):
    shared_tag_only = [item.pk for item in full_article.related() if item.category_id != full_article.category_id]
    assert shared_tag_only

    def of_the_category_only(self, article, count=3, *, now=None):
        others = self.published(now=now).filter(category_id=article.category_id).exclude(pk=article.pk)
        return others.order_by("-published_at", "-pk")[:count]

    monkeypatch.setattr(ArticleQuerySet, "related_to", of_the_category_only)
    PAGE.reset()
    related = published_article(full_article.slug).related_articles
    assert {item.category_id for item in related} == {full_article.category_id}
    assert related_snapshot(related) == related_snapshot(full_article.related())
    assert not set(shared_tag_only) & {item.pk for item in related}


def test_related_articles_are_the_most_recent_of_the_category_or_sharing_a_tag(db):
    """The related rule, bounded by the category's count-th article, gives what its plain statement gives."""
    chance = random.Random(2026)
    categories, tags = [make_category() for _ in range(3)], [make_tag() for _ in range(5)]
    now = timezone.now()
    articles = [
        make_article(
            category=chance.choice(categories),
            tags=chance.sample(tags, chance.randint(0, 2)),
            published_at=now - timedelta(hours=chance.randint(1, 500)),
            status=chance.choice([Article.Status.PUBLISHED] * 5 + [Article.Status.DRAFT]),
        )
        for _ in range(40)
    ]
    new_category = make_category()  # fewer articles than are shown: no bound from the category
    articles += [make_article(category=new_category, tags=chance.sample(tags, k)) for k in (0, 1)]
    for article in articles:
        if not article.is_published():
            continue
        tag_ids = [tag.pk for tag in article.tags.all()]
        plain = (
            Article.objects.published()
            .filter(Q(category_id=article.category_id) | Q(tags__in=tag_ids))
            .exclude(pk=article.pk)
            .distinct()
            .order_by("-published_at", "-pk")
        )
        for count in (1, 3, 5):
            assert list(article.related(count)) == list(plain[:count])
        assert [item.pk for item in published_article(article.slug).related_articles] == [item.pk for item in plain[:3]]


def test_an_ordering_written_as_an_expression_is_followed(full_article, monkeypatch):
    monkeypatch.setattr(Reference._meta, "ordering", [F("position").desc(nulls_last=True), "-pk"])
    PAGE.reset()
    loaded = published_article(full_article.slug)
    assert [reference.citation for reference in loaded.references.all()] == ["Second", "First again", "First"]
    assert list(loaded.references.all()) == list(Reference.objects.filter(article=full_article))


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
    assert context.captured_queries[0]["sql"].startswith(f"EXECUTE {PAGE.name} (")
    connection.close()  # a new connection prepares it again
    with django_assert_num_queries(2) as context:
        assert published_article(article.slug).pk == article.pk
    assert f"PREPARE {PAGE.name} AS SELECT" in context.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s", [PAGE.name])
        assert cursor.fetchone() == (1, 0)  # planned once, for every article


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_server_forgot_is_prepared_again():
    article = make_article()
    published_article(article.slug)
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {PAGE.name}")
    assert published_article(article.slug).pk == article.pk


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_prepared_in_a_transaction_that_failed_keeps_one_plan():
    article = make_article()
    connection.close()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        published_article(article.slug)  # prepared here; the setting of the transaction goes with it
        1 / 0
    for _ in range(7):  # PostgreSQL would choose custom plans over the first five executions
        assert published_article(article.slug).pk == article.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT custom_plans FROM pg_prepared_statements WHERE name = %s", [PAGE.name])
        assert cursor.fetchone() == (0,)


@postgres_only
def test_only_the_slug_and_the_time_change_from_page_to_page(db):
    compiled = PAGE._compile()
    assert compiled.inputs == ["now", "slug"]
    assert "$1" in compiled.sql and "$2" in compiled.sql and "$3" not in compiled.sql
    assert "prepared-statement-sample" not in compiled.sql and "1991-" not in compiled.sql


@postgres_only
@pytest.mark.parametrize(
    "build, inputs",
    [
        (lambda slug: Article.objects.published().filter(slug=slug), {"slug": str}),  # its own time
        (lambda slug: Article.objects.filter(slug=slug, last_reviewed__lte=timezone.localdate()), {"slug": str}),
        (lambda count: Article.objects.all()[:count], {"count": int}),  # the SQL itself changes
        (lambda slug: Article.objects.filter(slug__contains=slug), {"slug": str}),  # sent as %slug%
    ],
    ids=["the time", "today", "a limit", "a changed input"],
)
def test_a_queryset_that_would_freeze_a_value_is_refused(db, build, inputs):
    query = PreparedQuery(f"refused_{uuid.uuid4().hex}", build, **inputs)
    with pytest.raises(NotPreparable):
        query.fetch(**{name: SAMPLE_VALUES[kind] for name, kind in inputs.items()})


SAMPLE_VALUES = {str: "a-slug", int: 3}


@postgres_only
@isolate_apps("articles")
def test_values_read_from_json_are_the_orms(db):
    class Measurement(models.Model):
        key = models.SlugField()
        data = models.JSONField(null=True)
        amount = models.DecimalField(max_digits=8, decimal_places=2)
        ratio = models.FloatField()
        token = models.UUIDField()
        day = models.DateField(null=True)
        at = models.DateTimeField()
        clock = models.TimeField()
        duration = models.DurationField()
        flag = models.BooleanField()
        parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE)

        class Meta:
            app_label = "articles"
            ordering = [F("day").asc(nulls_first=True), "pk"]

    with connection.schema_editor() as editor:
        editor.create_model(Measurement)
    common = {"ratio": 0.1, "clock": time(9, 30, 15, 250), "duration": timedelta(days=2, seconds=5)}
    root = Measurement.objects.create(
        key="root", data={"a": [1, 2.5, "x"], "b": None}, amount=Decimal("0.10"), token=uuid.uuid4(),
        day=date(2026, 1, 5), at=timezone.now(), flag=True, **common,
    )  # fmt: skip
    Measurement.objects.create(
        key="child", data=None, amount=Decimal("123456.78"), token=uuid.uuid4(), day=None,
        at=datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=timezone.get_current_timezone()), flag=False,
        parent=root, **common,
    )  # fmt: skip
    Measurement.objects.create(key="text", data="just text", amount=Decimal("-5"), token=uuid.uuid4(), at=root.at,
                               flag=False, day=date(2025, 1, 1), **common)  # fmt: skip

    def values(instance):
        data = {field.attname: getattr(instance, field.attname) for field in Measurement._meta.concrete_fields}
        return {name: (value, type(value)) for name, value in data.items()}

    expected = list(Measurement.objects.select_related("parent"))
    rows = JSONRows(Measurement.objects.select_related("parent"))
    statement = PreparedQuery(
        f"test_json_{uuid.uuid4().hex}", lambda key: Measurement.objects.filter(key=key).annotate(rows=rows), key=str
    )
    try:
        through_the_orm = Measurement.objects.annotate(rows=rows).get(key="root").rows
        for loaded in (through_the_orm, statement.fetch(key="root")[0].rows):
            assert [values(item) for item in loaded] == [values(item) for item in expected]
            assert [values(item.parent) if item.parent else None for item in loaded] == [
                values(item.parent) if item.parent else None for item in expected
            ]
            child, text, root = loaded
            assert child.data is None and child.amount == Decimal("123456.78") and child.parent.key == "root"
            assert text.data == "just text" and text.day == date(2025, 1, 1)
            assert root.data == {"a": [1, 2.5, "x"], "b": None} and str(root.amount) == "0.10" and root.parent is None
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DEALLOCATE {statement.name}")
