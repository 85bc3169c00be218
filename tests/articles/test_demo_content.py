import io

import pytest
from django.core.management import call_command

from articles.services import Before, save_edit
from articles.models import Article, Author, Category, Reference, SiteBlock, Tag

pytestmark = pytest.mark.django_db


def load():
    output = io.StringIO()
    call_command("load_demo_content", stdout=output)
    return output.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in (Category, Tag, Author, Article, Reference, SiteBlock)}


def media_files(media_root):
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def test_loads_articles_across_categories_with_authors_and_a_reviewer():
    load()

    assert Article.objects.count() >= 6
    assert Category.objects.filter(articles__isnull=False).distinct().count() >= 3
    assert Author.objects.filter(articles__isnull=False).distinct().count() >= 2
    reviewer = Author.objects.get(slug="miriam-castell")
    assert reviewer.credentials.startswith("MD")
    assert reviewer.reviewed_articles.exists()
    assert all(author.photo for author in Author.objects.filter(articles__isnull=False))
    # The translators of the German and Arabic articles, Arabic names included, each with an address of their own.
    translators = Author.objects.filter(translated_articles__isnull=False).distinct()
    assert translators.count() >= 4 and all(translator.slug for translator in translators)


def test_running_twice_duplicates_no_rows_and_no_files(media_root):
    load()
    first_counts, first_files = counts(), media_files(media_root)

    output = load()

    assert counts() == first_counts
    assert media_files(media_root) == first_files
    assert "Articles: 0 created" in output
    assert "(0 images generated)" in output


def test_running_twice_keeps_publication_times():
    load()
    published_at = dict(Article.objects.values_list("slug", "published_at"))

    load()

    assert dict(Article.objects.values_list("slug", "published_at")) == published_at


def test_every_published_article_has_a_hero_image_with_alt_text():
    load()

    for article in Article.objects.filter(status=Article.Status.PUBLISHED):
        assert article.hero_image
        assert (article.hero_width, article.hero_height) == (1600, 900)
        assert article.hero_alt
        assert article.hero_credit == "Illustration: Medical Tourism Magazine"


def test_every_article_has_references_and_a_structured_body():
    load()

    for article in Article.objects.all():
        assert 2 <= article.references.count() <= 4
        assert len(article.table_of_contents) >= 3
        assert 1 <= article.tags.count() <= 3
        assert len(article.standfirst) <= 400


def test_loaded_content_passes_model_validation():
    load()

    for obj in [*Article.objects.all(), *Reference.objects.all(), *Author.objects.all(), *SiteBlock.objects.all()]:
        obj.full_clean()


def test_creates_the_three_site_blocks():
    load()

    assert set(SiteBlock.objects.values_list("kind", flat=True)) == {"disclaimer", "quote_cta", "promo"}
    assert SiteBlock.objects.get(kind="quote_cta").link_url == "/quote/"


def test_running_again_keeps_an_editors_changes_to_a_site_block():
    load()
    SiteBlock.objects.filter(kind="disclaimer").update(title="Please read this first", body="<p>Edited.</p>")

    load()

    block = SiteBlock.objects.get(kind="disclaimer")
    assert (block.title, block.body) == ("Please read this first", "<p>Edited.</p>")


def test_demo_includes_a_draft_and_a_scheduled_article_that_readers_cannot_see():
    load()
    published = Article.objects.published()

    drafts = Article.objects.filter(status=Article.Status.DRAFT)
    scheduled = [article for article in Article.objects.all() if article.state == "scheduled"]

    assert drafts.exists()
    assert scheduled
    assert not published.filter(pk__in=[*drafts.values_list("pk", flat=True), *(a.pk for a in scheduled)]).exists()
    assert published.filter(featured=True).exists()


def test_running_again_keeps_an_editors_changes_to_a_demo_article():
    call_command("load_demo_content", stdout=io.StringIO())
    article = Article.objects.order_by("pk").first()
    before = Before.of(article)
    article.title = "Edited by an editor"
    save_edit(article=article, by=None, before=before)  # as the admin saves it (a medical one goes back to review)
    article.tags.clear()
    call_command("load_demo_content", stdout=io.StringIO())
    article.refresh_from_db()
    assert article.title == "Edited by an editor"
    assert not article.tags.exists()


def test_loads_the_treatment_catalogue_with_stem_cells_marked_experimental():
    from quotes.models import Destination, Treatment

    call_command("load_demo_content", stdout=io.StringIO())
    call_command("load_demo_content", stdout=io.StringIO())
    stem_cells = Treatment.objects.get(slug="stem-cell-therapy")
    assert stem_cells.is_experimental and stem_cells.related_article.slug == "stem-cell-therapy-after-stroke"
    assert Treatment.objects.count() == 4 and Destination.objects.count() >= 5


def test_loads_the_trust_pages_once():
    from articles.models import Page

    call_command("load_demo_content", stdout=io.StringIO())
    Page.objects.filter(slug="editorial-policy").update(title="Our editorial policy")
    call_command("load_demo_content", stdout=io.StringIO())
    assert set(Page.objects.values_list("title", flat=True)) == {
        "Our editorial policy",
        "About our medical review",
        "About us",
        "Contact us",
        "Privacy notice",
    }


def test_loads_about_and_contact_pages_linked_in_the_footer(client):
    from articles.models import Page

    call_command("load_demo_content", stdout=io.StringIO())
    call_command("load_demo_content", stdout=io.StringIO())
    about, contact = Page.objects.get(slug="about"), Page.objects.get(slug="contact")
    assert Page.objects.filter(slug__in=["about", "contact"]).count() == 2
    assert "How we are paid for" in about.body and "Not medical advice" in about.body
    assert "mailto:editors@" in contact.body and 'href="/quote/"' in contact.body
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert f'<a href="{about.get_absolute_url()}">About us</a>' in footer
    assert f'<a href="{contact.get_absolute_url()}">Contact us</a>' in footer
    assert client.get(contact.get_absolute_url()).status_code == 200


def test_demo_authors_get_their_role_once_and_keep_an_editors_change():
    from articles.models import Author

    call_command("load_demo_content", stdout=io.StringIO())
    assert Author.objects.get(slug="clara-whitfield").role == "Senior health writer"
    Author.objects.filter(slug="clara-whitfield").update(role="Deputy editor")
    Author.objects.filter(slug="tomas-reyes").update(role="")
    call_command("load_demo_content", stdout=io.StringIO())
    assert Author.objects.get(slug="clara-whitfield").role == "Deputy editor"
    assert Author.objects.get(slug="tomas-reyes").role == "Research and evidence writer"
