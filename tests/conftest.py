import io
import itertools
import re
import signal
from datetime import timedelta
from html import unescape
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from articles import context_processors as site_data_of_this_process
from articles.models import Article, Author, Category, Tag
from magazine.pagecache import memo, version

_counter = itertools.count(1)
CARD_TITLE_RE = re.compile(r'class="card-title"><a href="[^"]*">([^<]*)</a>')


def listed_titles(html):
    """The titles of the articles a list or search page shows, in order."""
    return [unescape(title) for title in CARD_TITLE_RE.findall(html)]


def make_category(*, name=None, **fields):
    # Not medical unless a test asks: medical articles need a reviewer's sign-off to be published.
    fields.setdefault("is_medical", False)
    n = next(_counter)
    name = name or f"Category {n}"
    return Category.objects.create(name=name, slug=fields.pop("slug", f"category-{n}"), **fields)


def make_author(*, name=None, **fields):
    n = next(_counter)
    name = name or f"Author {n}"
    return Author.objects.create(name=name, slug=fields.pop("slug", f"author-{n}"), **fields)


def make_tag(*, name=None):
    n = next(_counter)
    return Tag.objects.create(name=name or f"Tag {n}", slug=f"tag-{n}")


def make_article(*, title=None, status=Article.Status.PUBLISHED, published_at=None, category=None, authors=None, tags=(), **fields):
    n = next(_counter)
    if status == Article.Status.PUBLISHED and published_at is None:
        published_at = timezone.now() - timedelta(hours=n)
    article = Article.objects.create(
        title=title or f"Article {n}",
        slug=fields.pop("slug", f"article-{n}"),
        standfirst=fields.pop("standfirst", f"Standfirst of article {n}."),
        body=fields.pop("body", "<h2>First section</h2><p>Some words.</p><h2>Second section</h2><p>More words.</p>"),
        category=category or make_category(),
        status=status,
        published_at=published_at,
        **fields,
    )
    article.authors.set(authors or [make_author()])
    article.tags.set(tags)
    return article


@pytest.fixture
def groups(db):
    call_command("setup_groups", stdout=io.StringIO())
    return {group.name: group for group in Group.objects.all()}


def _staff(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(
        username=username, password="correct-horse-battery", email=f"{username}@example.org", is_staff=True, **extra
    )
    if group:
        user.groups.add(group)
    return user


@pytest.fixture
def editor(django_user_model, groups):
    return _staff(django_user_model, "editor", groups["Editors"])


@pytest.fixture
def reviewer(django_user_model, groups):
    return _staff(django_user_model, "reviewer", groups["Medical reviewers"])


@pytest.fixture
def triage(django_user_model, groups):
    return _staff(django_user_model, "triage", groups["Quote triage"])


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="admin", password="correct-horse-battery", email="admin@example.org")


@pytest.fixture(autouse=True)
def empty_cache(settings):
    # Every test starts from an empty cache, and renders pages and searches itself: tests of those caches turn them on. The
    # site version is read again from the test's database (a rolled-back test leaves the process's copy behind).
    settings.PAGE_CACHE_SECONDS = 0
    settings.SEARCH_CACHE_SECONDS = 0
    cache.clear()
    version.forget()
    site_data_of_this_process.forget()
    memo.forget_all()
    yield
    cache.clear()
    version.forget()
    site_data_of_this_process.forget()
    memo.forget_all()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def run_queued_tasks():
    """
    Run every task that is due, as the mail worker (manage.py mail_worker --batch) does, in this process and the
    test's transaction: the e-mails they send land in pytest-django's ``mailoutbox``.
    """
    worker = db_worker.Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="tests", excluded_queue_names=[],
    )  # fmt: skip
    # Between tasks the worker drops a connection left in a transaction, as the test's is.
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()


def run_mail_worker_command(*args):
    """``manage.py mail_worker --batch ARGS`` in this process, leaving the test run's signal handlers as they were."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = [signal.getsignal(number) for number in signals]
    out = io.StringIO()
    try:
        with mock.patch.object(db_worker, "close_old_connections"):
            call_command("mail_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", *args, stdout=out)
    finally:
        for number, handler in zip(signals, handlers):
            signal.signal(number, handler)
    return out.getvalue()


@pytest.fixture
def deliver_emails(mailoutbox):
    """Run the mail worker over what is queued; returns the e-mails sent so far (``mailoutbox``)."""

    def deliver():
        run_queued_tasks()
        return mailoutbox

    return deliver
