"""Translations are articles of their own: their language, their source, their own sign-off, lists of one language."""

import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Category, Reference, Tag
from articles.services import publish, sign_off, start_translation
from tests.articles.test_workflow import edit_form
from tests.conftest import listed_titles, make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db

TRANSLATE = "admin:articles_article_translate"
REPORT = reverse("admin:articles_article_translations")


def translated(source, language, **fields):
    return make_article(
        title=fields.pop("title", f"{source.title} [{language}]"),
        slug=fields.pop("slug", f"{source.slug}-{language}"),
        language=language,
        translation_of=source,
        category=fields.pop("category", source.category),
        **fields,
    )


@pytest.fixture
def medical():
    return make_category(name="Neurology", is_medical=True)


@pytest.fixture
def reviewer_profile(reviewer):
    return make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", user=reviewer)


def live_medical_article(medical, reviewer, **fields):
    article = make_article(category=medical, status=Article.Status.IN_REVIEW, published_at=timezone.now() - timedelta(days=1), **fields)
    sign_off(article=article, by=reviewer)
    article.refresh_from_db()
    assert article.is_published()
    return article


# The model


def test_one_translation_per_language_and_source():
    source = make_article(slug="source")
    translated(source, "de")
    with pytest.raises(IntegrityError), transaction.atomic():
        translated(source, "de", slug="second-german")


def test_an_article_cannot_translate_itself():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(translation_of=article)


def test_a_translation_is_in_another_language_than_its_source_and_translates_an_original():
    source = make_article(slug="source")
    german = translated(source, "de")
    same = Article(title="x", standfirst="x", category=source.category, language="en-gb", translation_of=source)
    with pytest.raises(ValidationError) as refused:
        same.clean()
    assert "another language" in str(refused.value)
    of_translation = Article(title="x", standfirst="x", category=source.category, language="ar", translation_of=german)
    with pytest.raises(ValidationError) as refused:
        of_translation.clean()
    assert "original" in str(refused.value)


def test_a_source_with_translations_cannot_be_deleted():
    from django.db.models import ProtectedError

    source = make_article()
    translated(source, "de")
    with pytest.raises(ProtectedError):
        source.delete()


# The review gate holds for translations, through the one rule


def test_an_unsigned_medical_translation_cannot_go_live_nor_be_seen(client, medical, reviewer, reviewer_profile, editor):
    source = live_medical_article(medical, reviewer, slug="stroke")
    german = start_translation(source=source, language="de", by=editor)
    assert german.status == Article.Status.DRAFT and not german.is_signed_off()  # the source's sign-off is not its own
    with pytest.raises(ValidationError) as refused:
        publish(article=german, by=editor)
    assert refused.value.code == "needs_sign_off"
    # Stored as published by any other way, the model refuses it too (Article.save, the same gate).
    german.status = Article.Status.PUBLISHED
    with pytest.raises(ValidationError):
        german.save()
    assert client.get("/de/articles/stroke-de/").status_code == 404
    assert "stroke-de" not in client.get("/de/").content.decode()


def test_a_signed_off_translation_goes_live_and_a_changed_one_goes_back_to_review(client, medical, reviewer, reviewer_profile, editor):
    source = live_medical_article(medical, reviewer, slug="stroke")
    german = start_translation(source=source, language="de", by=editor)
    german.status = Article.Status.IN_REVIEW
    german.save()
    sign_off(article=german, by=reviewer)
    publish(article=Article.objects.get(pk=german.pk), by=editor)
    assert client.get("/de/articles/stroke-de/").status_code == 200
    client.force_login(editor)
    german = Article.objects.get(pk=german.pk)
    client.post(reverse("admin:articles_article_change", args=[german.pk]), edit_form(german, body="<p>Eine falsche Dosis.</p>"))
    german.refresh_from_db()
    assert german.status == Article.Status.IN_REVIEW  # sent back: its medical text changed since its sign-off
    client.logout()
    assert client.get("/de/articles/stroke-de/").status_code == 404


# Lists never mix languages


def test_every_list_shows_only_the_articles_of_its_language(client):
    category, tag, author = make_category(), make_tag(), make_author()
    english = make_article(title="English piece", category=category, tags=[tag], authors=[author])
    translated(english, "de", title="Deutscher Artikel", tags=[tag], authors=[author])
    make_article(title="Arabic piece", language="ar", category=category, tags=[tag], authors=[author])
    pages = ["/", "/articles/", category.get_absolute_url(), tag.get_absolute_url(), author.get_absolute_url()]
    for path in pages:
        assert listed_titles(client.get(path).content.decode()) == ["English piece"], path
        assert listed_titles(client.get(f"/de{path}").content.decode()) == ["Deutscher Artikel"], path
        assert listed_titles(client.get(f"/ar{path}").content.decode()) == ["Arabic piece"], path


def test_feeds_are_per_language(client):
    category = make_category()
    make_article(title="English piece", category=category)
    make_article(title="Deutscher Artikel", language="de", category=category)
    english = client.get("/feeds/rss/").content.decode()
    german = client.get(f"/de/category/{category.slug}/feeds/atom/").content.decode()
    assert "English piece" in english and "Deutscher Artikel" not in english
    assert "Deutscher Artikel" in german and "English piece" not in german
    assert "http://testserver/de/articles/" in german


def test_search_finds_only_articles_in_the_page_language(client):
    make_article(title="Knee surgery costs")
    make_article(title="Knee Operation Kosten", language="de")
    assert listed_titles(client.get("/search/?q=knee").content.decode()) == ["Knee surgery costs"]
    assert listed_titles(client.get("/de/search/?q=knee").content.decode()) == ["Knee Operation Kosten"]


def test_related_articles_are_in_the_article_language(client):
    category = make_category()
    source = make_article(title="Source", slug="source", category=category)
    make_article(title="English neighbour", category=category)
    german = translated(source, "de")
    make_article(title="Deutscher Nachbar", language="de", category=category)
    html = client.get(german.get_absolute_url()).content.decode()
    assert "Deutscher Nachbar" in html and "English neighbour" not in html
    assert "English neighbour" in client.get(source.get_absolute_url()).content.decode()


def test_the_structured_data_names_the_language_and_the_translations(client):
    source = make_article(slug="source")
    german = translated(source, "de", translator=make_author(name="Jonas Übersetzer"))
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', client.get(german.get_absolute_url()).content.decode())[1])
    assert data["inLanguage"] == "de"
    assert data["translationOfWork"]["url"] == "http://testserver/articles/source/"
    assert data["translator"]["name"] == "Jonas Übersetzer"
    original = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', client.get(source.get_absolute_url()).content.decode())[1])
    assert original["inLanguage"] == "en-gb"
    assert [work["url"] for work in original["workTranslation"]] == ["http://testserver/de/articles/source-de/"]


def test_the_sitemap_lists_an_article_and_its_translations_as_alternates_of_each_other(client):
    source = make_article(slug="source")
    translated(source, "de")
    translated(source, "ar", status=Article.Status.DRAFT)
    make_article(slug="alone")
    root = ElementTree.fromstring(client.get("/sitemap-articles.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    found = {
        url.findtext("s:loc", namespaces=ns): {link.get("hreflang"): link.get("href") for link in url.iterfind("x:link", ns)}
        for url in root.iterfind("s:url", ns)
    }
    pair = {
        "en-gb": "http://testserver/articles/source/",
        "de": "http://testserver/de/articles/source-de/",
        "x-default": "http://testserver/articles/source/",
    }
    assert found == {pair["en-gb"]: pair, pair["de"]: pair, "http://testserver/articles/alone/": {}}


# Starting a translation


def test_starting_a_translation_copies_the_source_as_a_draft_of_the_language(editor):
    tag, author = make_tag(), make_author()
    source = make_article(slug="knee", tags=[tag], authors=[author], seo_title="Knee SEO")
    Reference.objects.create(article=source, citation="A trial, 2024.")
    german = start_translation(source=source, language="de", by=editor)
    assert (german.language, german.translation_of, german.status, german.slug) == ("de", source, Article.Status.DRAFT, "knee-de")
    assert (german.title, german.body, german.seo_title, german.category) == (source.title, source.body, "Knee SEO", source.category)
    assert list(german.tags.all()) == [tag] and list(german.authors.all()) == [author]
    assert list(german.references.values_list("citation", flat=True)) == ["A trial, 2024."]
    assert german.created_by == editor and german.published_at is None


@pytest.mark.parametrize("case", ["same language", "unknown language", "twice", "of a translation"])
def test_a_translation_that_cannot_be_is_refused_and_nothing_is_made(editor, case):
    source = make_article(slug="knee")
    german = start_translation(source=source, language="de", by=editor)
    attempt = {
        "same language": {"source": source, "language": "en-gb"},
        "unknown language": {"source": source, "language": "xx"},
        "twice": {"source": source, "language": "de"},
        "of a translation": {"source": german, "language": "ar"},
    }[case]
    with pytest.raises(ValidationError):
        start_translation(by=editor, **attempt)
    assert Article.objects.count() == 2


def test_an_editor_translates_from_the_article_page_and_edits_beside_the_source(client, editor):
    source = make_article(slug="knee", body="<p>The source text.</p>")
    client.force_login(editor)
    change = client.get(reverse("admin:articles_article_change", args=[source.pk])).content.decode()
    assert reverse(TRANSLATE, args=[source.pk]) in change
    form = client.get(reverse(TRANSLATE, args=[source.pk])).content.decode()
    assert '<option value="de">' in form and '<option value="en-gb">' not in form
    response = client.post(reverse(TRANSLATE, args=[source.pk]), {"language": "ar"})
    arabic = Article.objects.get(language="ar")
    assert response.status_code == 302 and response["Location"] == reverse("admin:articles_article_change", args=[arabic.pk])
    page = client.get(response["Location"]).content.decode()
    assert '<div class="translation-source" lang="en-gb" dir="ltr">' in page and "The source text." in page
    assert reverse(TRANSLATE, args=[arabic.pk]) not in page  # a translation is not translated again
    again = client.post(reverse(TRANSLATE, args=[source.pk]), {"language": "ar"})
    assert again.status_code == 200 and Article.objects.filter(language="ar").count() == 1


@pytest.mark.parametrize("who, allowed", [("editor", True), ("reviewer", False), ("triage", False)])
def test_only_editors_translate_and_read_the_report(client, request, who, allowed):
    source = make_article()
    client.force_login(request.getfixturevalue(who))
    expected = 200 if allowed else 403
    assert client.get(reverse(TRANSLATE, args=[source.pk])).status_code == expected
    assert client.post(reverse(TRANSLATE, args=[source.pk]), {"language": "de"}).status_code == (302 if allowed else 403)
    assert client.get(REPORT).status_code == expected
    assert Article.objects.filter(language="de").exists() == allowed


# The report of missing and outdated translations


def test_the_report_lists_missing_and_outdated_translations(client, editor, django_assert_max_num_queries):
    now = timezone.now()
    untranslated = make_article(title="Nobody translated me")
    current = make_article(title="Kept up to date")
    translated(current, "de", title="Aktuell")
    translated(current, "ar", title="محدث")
    changed = make_article(title="Changed after its translation")
    old = translated(changed, "de", title="Veraltet")
    Article.objects.filter(pk=old.pk).update(content_updated_at=now - timedelta(days=3))
    Article.objects.filter(pk=changed.pk).update(content_updated_at=now - timedelta(days=1))
    signed_later = translated(make_article(title="Signed after the change"), "de", title="Später geprüft")
    Article.objects.filter(pk=signed_later.translation_of_id).update(content_updated_at=now - timedelta(days=1))
    Article.objects.filter(pk=signed_later.pk).update(content_updated_at=now - timedelta(days=3), signed_off_at=now)
    make_article(title="A draft", status=Article.Status.DRAFT)
    client.force_login(editor)
    with django_assert_max_num_queries(20):
        html = client.get(REPORT).content.decode()
    outdated = html.split("Outdated translations")[1].split("Missing in")[0]
    assert "Veraltet" in outdated and "Aktuell" not in outdated and "Später geprüft" not in outdated
    german_missing = html.split("Missing in Deutsch")[1].split("Missing in")[0]
    assert "Nobody translated me" in german_missing and "Kept up to date" not in german_missing
    assert "A draft" not in german_missing and "Aktuell" not in german_missing  # originals only, published only
    arabic_missing = html.split("Missing in العربيّة")[1]
    assert "Changed after its translation" in arabic_missing and "Kept up to date" not in arabic_missing
    assert reverse(TRANSLATE, args=[untranslated.pk]) in german_missing
    assert list(Article.objects.outdated_translations()) == [old]


# Translated categories, tags and pages (django-modeltranslation)


def test_a_category_reads_in_the_page_language_and_falls_back_to_the_site_language(client):
    category = make_category(name="Orthopaedics")
    Category.objects.filter(pk=category.pk).update(name_de="Orthopädie")
    make_article(title="Knie", language="de", category=category)
    make_article(title="Ruhr", language="ar", category=category)
    assert "<h1>Orthopädie</h1>" in client.get(f"/de{category.get_absolute_url()}").content.decode()
    arabic = client.get(f"/ar{category.get_absolute_url()}").content.decode()
    assert "<h1>Orthopaedics</h1>" in arabic and "Orthopädie" not in arabic
    with translation.override("de"):
        assert Category.objects.get(pk=category.pk).name == "Orthopädie"


def test_an_article_page_names_its_category_and_tags_in_its_language(client):
    category, tag = make_category(name="Orthopaedics"), make_tag(name="Knees")
    Category.objects.filter(pk=category.pk).update(name_de="Orthopädie")
    Tag.objects.filter(pk=tag.pk).update(name_de="Knie")
    german = make_article(slug="knie", language="de", category=category, tags=[tag])
    html = client.get(german.get_absolute_url()).content.decode()  # one query on PostgreSQL (article_page.py)
    assert "Orthopädie" in html and ">Knie<" in html
    assert "Orthopaedics" not in html and ">Knees<" not in html
