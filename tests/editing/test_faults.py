"""The editor tools when Redis cannot be reached: previews, autosaves and checks work without the cache."""

import json

import pytest
from django.urls import reverse

from articles.models import Article
from editing.models import ArticleAutosave, PreviewLinkUse
from editing.services import create_preview_link
from tests.conftest import make_article
from tests.test_cache_failures import fresh_clients_and_log_lines, nobody_listening, redis_cache_at  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_preview_link_opens_while_redis_is_down(client, editor, settings, nobody_listening):  # noqa: F811
    settings.PAGE_CACHE_SECONDS = 600
    article = make_article(title="Redis is down", status=Article.Status.DRAFT)
    _, token = create_preview_link(article=article, by=editor, days=1)
    with redis_cache_at(f"redis://127.0.0.1:{nobody_listening}/0"):
        response = client.get(reverse("editing:shared-preview", args=[token]))
    assert response.status_code == 200 and "Redis is down" in response.content.decode()
    assert PreviewLinkUse.objects.count() == 1


def test_autosave_and_checks_work_while_redis_is_down(client, editor, nobody_listening):  # noqa: F811
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    with redis_cache_at(f"redis://127.0.0.1:{nobody_listening}/0"):
        kept = client.post(reverse("admin:articles_article_autosave"), {"article": article.pk, "data": json.dumps({"body": "<p>x</p>"})})
        checked = client.post(reverse("admin:articles_article_checks"), {"body": "<p>x</p>"})
    assert kept.status_code == 200 and ArticleAutosave.objects.count() == 1
    assert checked.status_code == 200
