"""The site version (magazine/pagecache/): raised once per committed change readers can see, never before the commit."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SiteBlock
from magazine.models import SiteVersion
from magazine.pagecache import content_changed, version
from tests.conftest import make_article, make_author, make_category, make_tag

committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bumps(monkeypatch):
    """The number of times the site version went up."""
    counted = []
    bump = version.bump
    monkeypatch.setattr(version, "bump", lambda: counted.append(1) or bump())
    return counted


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


def stored_version():
    return version._read()  # what every process reads (a flushed test database makes the row again)


@committed
def test_the_version_goes_up_once_after_the_commit_however_many_changes(bumps):
    before = stored_version()
    with transaction.atomic():
        article = make_article(tags=[make_tag()])  # article, category, author, tag, links: many signals
        article.title = "Changed twice"
        article.save()
        assert bumps == [] and stored_version() == before
    assert bumps == [1] and stored_version() == before + 1
    assert version.current() == before + 1  # this process knows at once


@committed
def test_a_rolled_back_change_leaves_the_version(bumps):
    before = stored_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article()
        raise RuntimeError
    assert bumps == [] and stored_version() == before


@committed
def test_a_change_kept_after_a_savepoint_rolled_back_still_raises_the_version(bumps):
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            make_category()  # the first change: its callback goes with the savepoint
            raise RuntimeError
        make_category()
    assert bumps == [1]


@committed
def test_a_change_outside_a_transaction_raises_it_at_once(bumps):
    make_category()
    assert bumps == [1]
    content_changed()  # what a bulk insert or update() says
    assert bumps == [1, 1]


@committed
def test_a_many_to_many_change_outside_the_admin_shows_at_once(client, bumps):
    article = make_article()
    url = article.get_absolute_url()
    assert "Stroke care" not in client.get(url).content.decode()
    tag = make_tag(name="Stroke care")
    bumps.clear()
    article.tags.add(tag)
    assert bumps == [1]
    assert "Stroke care" in client.get(url).content.decode()
    tag.articles.remove(article)  # from the other side
    assert "Stroke care" not in client.get(url).content.decode()
    article.authors.add(make_author(name="Dr New Author"))
    assert "Dr New Author" in client.get(url).content.decode()


@committed
def test_a_deleted_article_leaves_every_page(client):
    article = make_article(title="Soon deleted")
    url = article.get_absolute_url()
    for page in (url, reverse("articles:home"), reverse("feed-rss")):
        assert "Soon deleted" in client.get(page).content.decode()
    article.delete()
    assert client.get(url).status_code == 404
    assert "Soon deleted" not in client.get(reverse("articles:home")).content.decode()
    assert "Soon deleted" not in client.get(reverse("feed-rss")).content.decode()


@committed
def test_one_admin_save_raises_the_version_once(client, editor, bumps):
    from tests.articles.test_workflow import change_url, edit_form

    article = make_article(tags=[make_tag()])
    client.force_login(editor)
    form = edit_form(article, title="Edited in the admin", tags=[make_tag().pk])
    bumps.clear()
    assert client.post(change_url(article), form).status_code == 302
    assert bumps == [1]  # the article, its tags, authors and references: one transaction


@pytest.mark.skipif(connection.vendor != "postgresql", reason="readers beside an open write transaction: PostgreSQL's MVCC")
@committed
def test_a_reader_during_an_open_edit_never_caches_the_old_page_as_the_new_one(client):
    """
    A reader asks for the article while an editor's transaction is still open: they get the old page, cached
    under the old version; once the edit commits, every reader gets the new page.
    """
    article = make_article(title="Old title")
    url = article.get_absolute_url()
    saved, read = threading.Event(), threading.Event()

    def edit():
        try:
            with transaction.atomic():
                Article.objects.get(pk=article.pk)
                article.title = "New title"
                article.save()
                saved.set()
                assert read.wait(10)
        finally:
            connection.close()

    editor = threading.Thread(target=edit)
    editor.start()
    assert saved.wait(10)
    assert "Old title" in client.get(url).content.decode()  # rendered during the edit, and cached
    read.set()
    editor.join()
    assert "New title" in client.get(url).content.decode()
    assert "New title" in client.get(url).content.decode()  # and cached as such


@pytest.mark.django_db
def test_the_version_last_read_stands_while_the_database_cannot_be_read(monkeypatch):
    from django.db import OperationalError

    known = version.current()
    monkeypatch.setattr(version.time, "monotonic", lambda: 10**9)  # long past the next check

    def unreadable():
        raise OperationalError("the database is down")

    monkeypatch.setattr(version, "_read", unreadable)
    assert version.current() == known
    version.forget()
    with pytest.raises(OperationalError):
        version.current()  # a process that never read it cannot make one up


@pytest.mark.django_db
def test_a_scheduled_publication_needs_no_edit(client):
    from unittest import mock

    soon = timezone.now() + timedelta(seconds=30)
    make_article(title="Scheduled piece", published_at=soon)
    assert "Scheduled piece" not in client.get(reverse("articles:home")).content.decode()
    with mock.patch("django.utils.timezone.now", return_value=soon + timedelta(seconds=1)), mock.patch(
        "django.core.cache.backends.locmem.time.time", side_effect=lambda: soon.timestamp() + 1
    ):
        assert "Scheduled piece" in client.get(reverse("articles:home")).content.decode()


@committed
def test_a_lost_version_row_starts_a_higher_series():
    before = version.current()
    SiteVersion.objects.all().delete()  # a flushed database
    version.forget()
    assert version.current() > before
    SiteBlock.objects.create(kind="promo", title="x")
    assert stored_version() > before
