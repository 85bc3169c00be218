import json
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, Page, Reference, SlugRedirect
from articles.services import Before, save_edit
from tests.conftest import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


def json_ld(html):
    (payload,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(payload)


@pytest.fixture
def medical_article():
    reviewer = make_author(name="Dr Ana Ruiz", credentials="MD, neurologist")
    article = make_article(
        title="Stem cells after stroke",
        standfirst="What the trials show </script><script>alert(1)</script>",
        authors=[make_author(name="Sam Writer", credentials="Health journalist")],
        medical_reviewer=reviewer,
        last_reviewed=date(2026, 11, 1),
        tags=[make_tag(name="Stroke")],
    )
    Reference.objects.create(article=article, citation="Cochrane review 2019", doi="10.1002/14651858.CD007231.pub3")
    return article


def test_article_page_has_valid_medical_json_ld(client, medical_article):
    html = client.get(medical_article.get_absolute_url()).content.decode()
    data = json_ld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalWebPage"
    assert data["headline"] == "Stem cells after stroke"
    assert data["datePublished"] == timezone.localtime(medical_article.published_at).replace(microsecond=0).isoformat()
    assert data["dateModified"] == timezone.localtime(medical_article.content_updated_at).replace(microsecond=0).isoformat()
    assert data["author"][0]["name"] == "Sam Writer"
    assert data["author"][0]["hasCredential"]["name"] == "Health journalist"
    assert data["reviewedBy"]["name"] == "Dr Ana Ruiz" and data["reviewedBy"]["hasCredential"]["name"] == "MD, neurologist"
    assert data["lastReviewed"] == "2026-11-01"
    assert data["citation"] == [
        {"@type": "CreativeWork", "name": "Cochrane review 2019", "url": "https://doi.org/10.1002/14651858.CD007231.pub3"}
    ]
    assert data["publisher"]["name"] == "Medical Tourism Magazine"
    assert "</script><script>" not in html.split('application/ld+json">')[1].split("</script>")[0]


def test_an_article_without_medical_review_is_a_plain_article(client):
    data = json_ld(client.get(make_article().get_absolute_url()).content.decode())
    assert data["@type"] == "Article" and "reviewedBy" not in data


def test_article_page_has_canonical_and_social_meta(client, medical_article):
    from django.core.files.base import ContentFile

    from tests.articles.test_uploads import image_bytes

    medical_article.hero_alt = "Brain scan"
    medical_article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=120, height=60)))
    html = client.get(medical_article.get_absolute_url()).content.decode()
    url = f"http://testserver{medical_article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Stem cells after stroke">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/media/articles/hero/[^"]+\.jpg">', html)
    assert '<meta property="og:image:alt" content="Brain scan">' in html
    assert json_ld(html)["image"]["width"] == 120


def test_related_articles_share_a_category_or_tag_most_recent_first(client):
    category, tag = make_category(), make_tag()
    article = make_article(category=category, tags=[tag])
    older_same_category = make_article(category=category, published_at=timezone.now() - timedelta(days=5))
    newer_shared_tag = make_article(tags=[tag], published_at=timezone.now() - timedelta(days=1))
    make_article()  # unrelated
    make_article(category=category, status=Article.Status.DRAFT)
    assert list(article.related()) == [newer_shared_tag, older_same_category]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Related articles" in html and newer_shared_tag.title in html


def test_related_articles_are_the_most_recent_across_the_category_and_every_tag():
    category, first_tag, second_tag = make_category(), make_tag(), make_tag()
    article = make_article(category=category, tags=[first_tag, second_tag])
    now = timezone.now()
    by_age = {}
    for days, fields in [(1, {"tags": [second_tag]}), (2, {"category": category}), (3, {"tags": [first_tag]}),
                         (4, {"tags": [second_tag]}), (5, {"category": category}), (6, {"tags": [first_tag]})]:  # fmt: skip
        by_age[days] = make_article(published_at=now - timedelta(days=days), **fields)
    make_article(tags=[first_tag], published_at=now + timedelta(days=1))  # scheduled: not yet
    assert list(article.related()) == [by_age[1], by_age[2], by_age[3]]
    assert list(article.related(count=5)) == [by_age[n] for n in range(1, 6)]


def edit(article, **changes):
    """An editor's edit, as the admin saves it (articles.services.save_edit)."""
    before = Before.of(article)
    for name, value in changes.items():
        setattr(article, name, value)
    save_edit(article=article, by=None, before=before)


def test_changing_a_published_slug_redirects_the_old_address(client):
    article = make_article(slug="old-address")
    edit(article, slug="new-address")
    response = client.get("/articles/old-address/")
    assert response.status_code == 301 and response["Location"] == "/articles/new-address/"
    edit(article, slug="old-address")  # and back again: the live address is never redirected
    assert client.get("/articles/old-address/").status_code == 200
    assert client.get("/articles/new-address/")["Location"] == "/articles/old-address/"


def test_a_draft_slug_change_leaves_no_redirect(client):
    article = make_article(slug="draft-one", status=Article.Status.DRAFT)
    edit(article, slug="draft-two")
    assert not SlugRedirect.objects.exists()


def test_the_redirect_of_an_unpublished_article_is_404(client):
    article = make_article(slug="was-live")
    edit(article, slug="now-elsewhere")
    edit(article, status=Article.Status.DRAFT)
    assert client.get("/articles/was-live/").status_code == 404


def test_corrections_are_shown_on_the_article(client):
    article = make_article()
    Correction.objects.create(article=article, date=date(2026, 11, 20), text="The cost table now shows 2026 prices.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Updated on" in html and "20 November 2026" in html and "The cost table now shows 2026 prices." in html


def test_trust_pages_are_editable_pages_linked_from_the_footer(client):
    page = Page.objects.create(
        title="Editorial policy", slug="editorial-policy", summary="How we work.", body="<p>Independent.<script>x</script></p>"
    )
    Page.objects.create(title="Hidden", slug="hidden", summary="x", body="<p>x</p>", in_footer=False)
    response = client.get(reverse("articles:page", kwargs={"slug": "editorial-policy"}))
    html = response.content.decode()
    assert response.status_code == 200 and "<p>Independent.</p>" in html and "<script>x" not in html
    home = client.get(reverse("articles:home")).content.decode()
    assert f'href="{page.get_absolute_url()}"' in home and "/pages/hidden/" not in home
    assert client.get("/pages/nope/").status_code == 404
