import json
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.test_uploads import gps_exif, image_bytes
from tests.conftest import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def article_form(**overrides):
    category, author = make_category(), make_author()
    data = {
        "title": "Knee replacement abroad",
        "slug": "knee-replacement-abroad",
        "standfirst": "Costs and recovery.",
        "body": '<h2>Costs</h2><p onclick="steal()">Prices vary.</p><script>alert(1)</script>',
        "category": category.pk,
        "authors": [author.pk],
        "status": Article.Status.DRAFT,
        "language": "en-gb",  # the form's choice as it opens: the site's language
        "references-TOTAL_FORMS": "1",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "references-0-position": "1",
        "references-0-citation": "Cochrane review of knee surgery, 2023.",
        "references-0-url": "https://www.cochranelibrary.com/",
        "references-0-doi": "",
        "references-0-pmid": "",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_editor_sees_the_article_admin_with_ckeditor(client, editor):
    client.force_login(editor)
    response = client.get(ADD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-type="ckeditortype"' in html
    assert "ckeditor/ckeditor/ckeditor.js" in html and "articles/editor-upload.js" in html
    assert "/editor/upload/" in html


def test_the_editing_area_shows_images_no_wider_than_the_text(client, editor):
    client.force_login(editor)
    html = client.get(ADD).content.decode()
    config = json.loads(unescape(re.search(r'data-config="([^"]*)"', html).group(1)))
    assert config["contentsCss"] == ["/static/ckeditor/ckeditor/contents.css", "/static/articles/editor-content.css"]
    assert all(finders.find(url.removeprefix("/static/")) for url in config["contentsCss"])
    assert "max-width: 100%" in Path(finders.find("articles/editor-content.css")).read_text()


def test_editor_creates_an_article_whose_body_is_sanitised(client, editor):
    client.force_login(editor)
    response = client.post(ADD, article_form())
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    article = Article.objects.get()
    assert article.body == '<h2 id="costs">Costs</h2><p>Prices vary.</p>'
    assert article.references.get().citation.startswith("Cochrane")
    assert not article.is_published()


def test_hero_image_requires_alt_text_and_loses_its_metadata(client, editor):
    client.force_login(editor)
    hero = SimpleUploadedFile("hero.jpg", image_bytes(width=64, height=36, exif=gps_exif()), "image/jpeg")
    response = client.post(ADD, article_form(hero_image=hero))
    assert response.status_code == 200
    assert "Describe the hero image" in response.content.decode()
    assert not Article.objects.exists()

    hero.seek(0)
    response = client.post(ADD, article_form(hero_image=hero, hero_alt="A surgeon's hands"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.hero_width, article.hero_height) == (64, 36)
    with article.hero_image.open() as stored:
        assert b"PhoneMaker" not in stored.read()


def test_bad_hero_image_is_a_field_error_and_keeps_the_input(client, editor):
    client.force_login(editor)
    fake = SimpleUploadedFile("hero.jpg", b"<html>not an image</html>", "image/jpeg")
    response = client.post(ADD, article_form(hero_image=fake, hero_alt="x"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Upload a valid image" in html or "not an image" in html
    assert 'value="Knee replacement abroad"' in html
    assert not Article.objects.exists()


def test_bad_reference_identifiers_are_refused(client, editor):
    client.force_login(editor)
    response = client.post(ADD, article_form(**{"references-0-doi": "not-a-doi", "references-0-pmid": "12ab"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a DOI" in html and "A PubMed ID is a number." in html


def test_review_date_without_reviewer_is_refused(client, superuser):
    client.force_login(superuser)
    response = client.post(ADD, article_form(last_reviewed=timezone.localdate().isoformat()))
    assert response.status_code == 200
    assert "Choose who reviewed the article." in response.content.decode()


def test_editor_cannot_set_the_medical_review(client, editor):
    client.force_login(editor)
    reviewer = make_author()
    response = client.post(ADD, article_form(medical_reviewer=reviewer.pk, last_reviewed="2026-01-01"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.medical_reviewer is None and article.last_reviewed is None


def test_changelist_shows_visibility_and_filters_scheduled(client, editor):
    live = make_article(title="Live one")
    scheduled = make_article(title="Scheduled one", published_at=timezone.now() + timedelta(days=2))
    make_article(title="Draft one", status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert 'class="state state-live">Live<' in html
    assert 'class="state state-scheduled">Scheduled<' in html
    assert 'class="state state-draft">Draft<' in html
    response = client.get(CHANGELIST, {"state": "scheduled"})
    assert list(response.context["cl"].result_list) == [scheduled]
    response = client.get(CHANGELIST, {"state": "live"})
    assert list(response.context["cl"].result_list) == [live]
    response = client.get(CHANGELIST, {"q": "Scheduled"})
    assert list(response.context["cl"].result_list) == [scheduled]


def test_changelist_query_count_does_not_grow_with_articles(client, editor, django_assert_max_num_queries):
    for _ in range(20):
        make_article(authors=[make_author(), make_author()])
    client.force_login(editor)
    with django_assert_max_num_queries(16):
        assert client.get(CHANGELIST).status_code == 200


def test_bulk_publish_and_unpublish(client, editor):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled_at = timezone.now() + timedelta(days=1)
    in_review = make_article(status=Article.Status.IN_REVIEW, published_at=scheduled_at)
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [draft.pk, in_review.pk]})
    draft.refresh_from_db()
    in_review.refresh_from_db()
    assert draft.is_published()
    assert in_review.status == Article.Status.PUBLISHED and in_review.published_at == scheduled_at
    client.post(CHANGELIST, {"action": "unpublish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and not draft.is_published()


def test_reviewer_marks_articles_reviewed(client, reviewer):
    profile = make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", user=reviewer)
    article = make_article(status=Article.Status.IN_REVIEW)
    client.force_login(reviewer)
    review = reverse("admin:articles_article_review", args=[article.pk])
    response = client.post(review, {"outcome": "sign_off", "comment": "", "version": article.version}, follow=True)
    assert "signed off by Dr Ana Ruiz, MD, neurologist" in response.content.decode()
    article.refresh_from_db()
    assert article.medical_reviewer == profile and article.last_reviewed == timezone.localdate()


def test_reviewer_without_author_profile_gets_a_clear_error(client, reviewer):
    article = make_article(status=Article.Status.IN_REVIEW)
    client.force_login(reviewer)
    review = reverse("admin:articles_article_review", args=[article.pk])
    response = client.post(review, {"outcome": "sign_off", "comment": "", "version": article.version}, follow=True)
    assert "not linked to an author profile" in response.content.decode()
    article.refresh_from_db()
    assert article.medical_reviewer is None


def offered_actions(client):
    form = client.get(CHANGELIST).context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices}


def test_nobody_gets_a_bulk_sign_off_and_reviewers_get_no_publishing_actions(client, editor, reviewer):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    assert {"publish_selected", "unpublish_selected"} <= offered_actions(client)
    assert "sign_off_selected" not in offered_actions(client)
    client.force_login(reviewer)
    assert not {"sign_off_selected", "publish_selected", "unpublish_selected"} & offered_actions(client)
    # Sent anyway, the action is refused by the server.
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_preview_link_on_the_change_form(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Preview (only staff can see it)" in html and article.get_absolute_url() in html


def test_the_change_form_shows_the_reading_time_it_cannot_edit(client, editor):
    article = make_article(body="<p>" + "word " * 700 + "</p>")
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Reading time" in html and '<div class="readonly">4</div>' in html
    assert 'name="reading_minutes"' not in html


def test_triage_staff_cannot_reach_articles_admin(client, triage):
    client.force_login(triage)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(ADD).status_code == 403


def test_author_autocomplete_for_editors(client, editor):
    make_author(name="Sam Writer")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Sam", "app_label": "articles", "model_name": "article", "field_name": "authors"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Sam Writer"]


def test_publishing_with_no_time_goes_live_at_once(client, editor):
    client.force_login(editor)
    response = client.post(ADD, article_form(_action="publish"))
    assert response.status_code == 302
    assert Article.objects.get().is_published()


def test_editor_upload_hook_loads_after_ckeditor(client, editor):
    client.force_login(editor)
    html = client.get(ADD).content.decode()
    assert html.index("ckeditor/ckeditor/ckeditor.js") < html.index("articles/editor-upload.js")


def test_changelist_counts_down_to_scheduled_publication_and_expiry(client, editor):
    make_article(title="Soon", published_at=timezone.now() + timedelta(days=2, hours=3))
    make_article(title="Ending", expires_at=timezone.now() + timedelta(hours=5))
    make_article(title="Ended", published_at=timezone.now() - timedelta(days=3), expires_at=timezone.now() - timedelta(days=1))
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert "goes live in 2\xa0days, 3\xa0hours" in html or "goes live in 2\xa0days, 2\xa0hours" in html
    assert "comes down in 4\xa0hours" in html or "comes down in 5\xa0hours" in html
    assert list(client.get(CHANGELIST, {"state": "expired"}).context["cl"].result_list) == [Article.objects.get(title="Ended")]


# One admin save of a draft with a tag, an author and no references, as counted: the session and the user (2),
# two savepoints of the admin and django-reversion (2), the article loaded and its row locked (1), the user's
# permissions (2), the form's choices and its many-to-many values (5), the category's existence and the three
# check constraints on the form's fields (the status is the buttons', not a field; a translation is not its own) (1 + 9), the slug's uniqueness (1), the update (1), django-reversion reading the new
# version's tags, authors, references and corrections (4), the many-to-many values set (2), the admin log (1),
# two savepoints released (2), and the revision (3); what readers read (its references and corrections), before
# the edit (2: an article saved outside the admin has no fingerprint yet) and after it (2), and its new
# fingerprint (1), the editor's autosave of the form deleted (1), and the media library's uses of its images (1).
# The article's row is read twice: loaded (and locked) for the save, and by django-reversion.
ADMIN_SAVE_QUERIES = 43


@pytest.mark.parametrize("tags", [1, 5])
def test_an_admin_save_runs_a_known_number_of_queries(client, editor, django_assert_num_queries, tags):
    from tests.articles.test_workflow import change_url, edit_form
    from tests.conftest import make_tag

    article = make_article(status=Article.Status.DRAFT, tags=[make_tag() for _ in range(tags)])
    client.force_login(editor)
    client.get(change_url(article))
    form = edit_form(article, title="Edited title", tags=[tag.pk for tag in article.tags.all()])
    with django_assert_num_queries(ADMIN_SAVE_QUERIES) as context:
        assert client.post(change_url(article), form).status_code == 302
    article_reads = [q for q in context.captured_queries if q["sql"].startswith('SELECT "articles_article"."id"')]
    assert len(article_reads) == 2
    article.refresh_from_db()
    assert article.title == "Edited title"


AUTHOR_ADD = reverse("admin:articles_author_add")


def test_editor_adds_an_author_with_role_bio_and_profile_for_the_author_box(client, editor):
    client.force_login(editor)
    form = client.get(AUTHOR_ADD).content.decode()
    assert 'name="role"' in form and 'name="profile_url"' in form and 'name="bio"' in form
    response = client.post(
        AUTHOR_ADD,
        {
            "name": "Dr Lena Ortiz",
            "slug": "lena-ortiz",
            "credentials": "MD, cardiologist",
            "role": "Medical reviewer",
            "bio": "Dr Ortiz reviews our cardiology articles.",
            "profile_url": "orcid.org/0000-0002-1825-0097",
        },
    )
    assert response.status_code == 302
    from articles.models import Author

    author = Author.objects.get(slug="lena-ortiz")
    assert author.role == "Medical reviewer" and author.profile_url == "https://orcid.org/0000-0002-1825-0097"


def test_a_bad_profile_address_is_refused_and_what_was_typed_stays(client, editor):
    client.force_login(editor)
    response = client.post(AUTHOR_ADD, {"name": "Sam", "slug": "sam", "role": "Writer", "profile_url": "not a url"})
    html = response.content.decode()
    assert response.status_code == 200 and "Enter a valid URL." in html
    assert 'value="Writer"' in html


def test_reviewers_and_triage_cannot_add_authors(client, reviewer, triage):
    for user in (reviewer, triage):
        client.force_login(user)
        assert client.get(AUTHOR_ADD).status_code == 403
