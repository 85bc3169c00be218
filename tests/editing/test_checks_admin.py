import json

import pytest
from django.urls import reverse

from articles.models import Article
from tests.articles.test_admin import article_form
from tests.articles.test_workflow import edit_form
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

CHECKS = reverse("admin:articles_article_checks")
NO_ALT = '<h2>Recovery</h2><p>Words.</p><p><img src="/media/editor/x.jpg"></p>'
WITH_ALT = '<h2>Recovery</h2><p>Words.</p><p><img src="/media/editor/x.jpg" alt="A physiotherapist with a patient"></p>'


def errors_of(response):
    return response.context["adminform"].form.errors


@pytest.mark.parametrize("action", ["submit", "publish"])
def test_an_image_without_alt_text_refuses_review_and_publication(client, editor, action):
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_add"), article_form(body=NO_ALT, _action=action))
    assert response.status_code == 200
    assert "have no alt text" in " ".join(errors_of(response)["body"])
    assert not Article.objects.exists()
    html = response.content.decode()
    assert "Must fix" in html  # the panel says it too, from what was typed
    assert "/media/editor/x.jpg" in html


@pytest.mark.parametrize(
    "action, refused",
    [("submit", "Not submitted for review: nothing was saved."), ("publish", "Not published: nothing was saved.")],
)
def test_a_refusal_for_alt_text_says_why_at_the_top_of_the_page(client, editor, action, refused):
    client.force_login(editor)
    html = client.post(reverse("admin:articles_article_add"), article_form(body=NO_ALT, _action=action)).content.decode()
    top = html[html.index('class="messagelist"') : html.index('id="article_form"')]
    assert f"{refused} 1 image(s) in the body have no alt text" in top
    assert "(double-click the image in the editor, “Alternative Text”)" in top


def test_a_change_to_an_article_in_review_refused_for_alt_text_says_it_was_not_saved(client, editor):
    article = make_article(status=Article.Status.IN_REVIEW, body=WITH_ALT)
    stored = Article.objects.get(pk=article.pk).body
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), edit_form(article, body=NO_ALT))
    html = response.content.decode()
    assert "Not saved. 1 image(s) in the body have no alt text" in html[: html.index('id="article_form"')]
    article.refresh_from_db()
    assert article.body == stored


def test_other_errors_add_nothing_at_the_top(client, editor):
    client.force_login(editor)
    html = client.post(reverse("admin:articles_article_add"), article_form(title="", _action="submit")).content.decode()
    assert 'class="messagelist"' not in html and "Please correct the error below." in html


def test_a_draft_with_an_image_without_alt_text_is_saved_and_the_panel_says_what_to_fix(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_add"), article_form(body=NO_ALT))
    assert response.status_code == 302
    article = Article.objects.get()
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'content-check-blocking' in html and "have no alt text" in html


def test_once_the_alt_text_is_written_the_article_goes_to_review(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_add"), article_form(body=WITH_ALT, _action="submit"))
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.IN_REVIEW


def test_the_change_form_shows_the_checks_of_the_saved_article(client, editor):
    make_article(slug="hidden", status=Article.Status.DRAFT)
    article = make_article(status=Article.Status.DRAFT, body='<h3>Early</h3><p><a href="/articles/hidden/">see</a></p>')
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Content checks" in html
    assert "“Early” is a Heading 3 before any Heading 2" in html
    assert "/articles/hidden/" in html and "readers cannot see" in html


def test_the_live_checks_answer_for_what_is_typed(client, editor):
    client.force_login(editor)
    response = client.post(
        CHECKS,
        {
            "title": "Stroke rehabilitation abroad: what to expect",
            "body": NO_ALT,
            "standfirst": "",
            "seo_title": "",
            "seo_description": "",
            "references": json.dumps([{"position": 1, "url": "https://doi.org/10.1000/182", "doi": "", "pmid": ""}]),
        },
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["blocking"] is True
    assert "have no alt text" in answer["html"] and "fill in its DOI (10.1000/182)" in answer["html"]


def test_the_live_checks_escape_what_they_quote(client, editor):
    client.force_login(editor)
    answer = client.post(CHECKS, {"body": "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"}).json()
    assert "<script>" not in answer["html"] and "&lt;script&gt;" in answer["html"]


def test_unreadable_references_are_refused_with_a_reason(client, editor):
    client.force_login(editor)
    response = client.post(CHECKS, {"body": "<p>x</p>", "references": "{not json"})
    assert response.status_code == 400 and "references" in response.json()["error"]


def test_the_live_checks_need_post(client, editor):
    client.force_login(editor)
    assert client.get(CHECKS).status_code == 405


def test_reviewers_may_run_the_checks_triage_and_anonymous_not(client, reviewer, triage):
    client.force_login(reviewer)
    assert client.post(CHECKS, {"body": "<p>x</p>"}).status_code == 200
    client.force_login(triage)
    assert client.post(CHECKS, {"body": "<p>x</p>"}).status_code == 403
    client.logout()
    response = client.post(CHECKS, {"body": "<p>x</p>"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_checks_run_a_fixed_number_of_queries_whatever_the_number_of_links(client, editor, django_assert_num_queries):
    client.force_login(editor)
    few = "".join(f'<a href="/articles/a-{n}/">{n}</a>' for n in range(2))
    many = "".join(f'<a href="/articles/a-{n}/">{n}</a>' for n in range(30))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for body in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.post(CHECKS, {"body": f"<p>{body}</p>"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_services_refuse_review_and_publication_of_an_image_without_alt_text(editor):
    from django.core.exceptions import ValidationError

    from articles.services import publish, submit_for_review
    from tests.conftest import make_article

    article = make_article(status="draft", body='<p>Text.</p><p><img src="/media/editor/a.jpg"></p>')
    for service in (submit_for_review, publish):
        with pytest.raises(ValidationError, match="no alt text"):
            service(article=article, by=editor)
        article.refresh_from_db()
        assert article.status == "draft"
