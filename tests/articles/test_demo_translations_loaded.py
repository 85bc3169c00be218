"""The demo's translations (articles/demo/translated.py), loaded from TRANSLATIONS' format."""

import io
import sys
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from articles.demo import translated
from articles.models import Article, Category, Page, SiteBlock, Tag
from articles.services import sign_off
from quotes.models import Treatment
from tests.conftest import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db

GERMAN_BODY = "<h2>Kosten</h2><p>Die Preise unterscheiden sich.</p>"
TRANSLATIONS = {
    "de": {
        "articles": [
            {
                "source": "knee",
                "slug": "knieersatz",
                "title": "Knieersatz im Ausland",
                "standfirst": "Kosten und Genesung.",
                "seo_title": "Knieersatz im Ausland: Kosten",
                "seo_description": "Was ein Knieersatz kostet.",
                "body_file": "de/knieersatz.html",
                "translator": "Jonas Beispiel",
            },
            {"source": "missing-source", "slug": "nichts", "title": "x", "standfirst": "x", "body_file": "de/knieersatz.html"},
        ],
        "categories": {"orthopaedics": {"name": "Orthopädie", "description": "Gelenke und Knochen."}},
        "tags": {"knees": "Knie"},
        "site_blocks": {"disclaimer": "<p>Keine medizinische Beratung.</p>"},
        "pages": {"about": {"title": "Über uns", "body": "<p>Wer wir sind.</p>"}},
        "treatments": {"knee-replacement": "Knieersatz"},
    },
}


@pytest.fixture
def bodies(tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "knieersatz.html").write_text(GERMAN_BODY, encoding="utf-8")
    return tmp_path


@pytest.fixture
def english(reviewer):
    medical = make_category(name="Orthopaedics", is_medical=True)
    Category.objects.filter(pk=medical.pk).update(slug="orthopaedics")
    make_author(name="Dr Ana Ruiz", credentials="MD", user=reviewer)
    article = make_article(
        slug="knee", category=Category.objects.get(pk=medical.pk), tags=[make_tag(name="Knees")],
        status=Article.Status.IN_REVIEW, published_at=timezone.now() - timedelta(days=5),
    )  # fmt: skip
    Tag.objects.filter(pk=article.tags.get().pk).update(slug="knees")
    sign_off(article=article, by=reviewer)
    SiteBlock.objects.update_or_create(kind="disclaimer", defaults={"body": "<p>Not medical advice.</p>"})
    Page.objects.create(slug="about", title="About us", summary="Who we are.", body="<p>Us.</p>")
    Treatment.objects.create(name="Knee replacement", slug="knee-replacement")
    return Article.objects.get(pk=article.pk)


def load(bodies):
    counts = Counter()
    translated.load(TRANSLATIONS, lambda label, created: counts.update([(label, created)]), bodies_dir=bodies)
    return counts


def test_translated_articles_are_published_and_signed_off_like_their_sources(client, english, bodies):
    load(bodies)
    german = Article.objects.get(slug="knieersatz")
    assert (german.language, german.translation_of, german.status) == ("de", english, Article.Status.PUBLISHED)
    assert german.is_signed_off() and german.medical_reviewer == english.medical_reviewer
    assert german.translator.name == "Jonas Beispiel" and german.seo_title == "Knieersatz im Ausland: Kosten"
    assert not Article.objects.filter(slug="nichts").exists()  # no source, no translation
    page = client.get("/de/articles/knieersatz/").content.decode()
    assert "Knieersatz im Ausland" in page and "Die Preise unterscheiden sich." in page
    assert "Updated" not in page  # last edited when it went live, as the English demo
    assert not Article.objects.outdated_translations().exists()


def test_categories_tags_site_blocks_pages_and_treatments_get_their_translation(english, bodies):
    load(bodies)
    with translation.override("de"):
        assert Category.objects.get(slug="orthopaedics").name == "Orthopädie"
        assert Tag.objects.get(slug="knees").name == "Knie"
        assert SiteBlock.objects.get(kind="disclaimer").body == "<p>Keine medizinische Beratung.</p>"
        assert Page.objects.get(slug="about").title == "Über uns"
        assert Treatment.objects.get(slug="knee-replacement").name == "Knieersatz"
    assert Category.objects.get(slug="orthopaedics").name == "Orthopaedics"  # the English text stays


def test_loading_again_duplicates_nothing_and_keeps_what_editors_wrote(english, bodies):
    load(bodies)
    Tag.objects.filter(slug="knees").update(name_de="Kniegelenk")
    Article.objects.filter(slug="knieersatz").update(title="Vom Redakteur geändert")
    again = load(bodies)
    assert Article.objects.filter(language="de").count() == 1
    assert Article.objects.get(slug="knieersatz").title == "Vom Redakteur geändert"
    assert Tag.objects.get(slug="knees").name_de == "Kniegelenk"
    assert again[("article translations", True)] == 0 and again[("tag translations", True)] == 0


def test_without_the_project_translations_nothing_is_loaded(monkeypatch):
    monkeypatch.setitem(sys.modules, "articles.demo.translations", None)  # as on a site without the file
    assert translated.available() == {}


def test_the_project_demo_translations_load_with_the_demo(client):
    if not translated.available():
        pytest.skip("This version of the project has no demo translations (articles/demo/translations.py).")
    call_command("load_demo_content", stdout=io.StringIO())
    for language, parts in translated.available().items():
        for data in parts.get("articles", []):
            article = Article.objects.get(slug=data["slug"])
            assert article.language == language and article.translation_of.slug == data["source"]
            assert article.may_be_published(), data["slug"]
            if article.is_published():
                assert client.get(article.get_absolute_url()).status_code == 200
