"""
Several processes without Redis (the default set-up): gunicorn's workers each keep their own cached pages, and
an edit made in another process (a management command here, another worker or machine in production) reaches
the readers of every worker within SITE_VERSION_CHECK_SECONDS (1 s). The bound stated and tested: 3 s.
"""

import threading
import time

import pytest

from tests.live_site import live_site

pytestmark = pytest.mark.processes

BOUND = 3
# Enough requests in a row that every one of the workers has answered: any of them still serving an old page
# would show up.
WORKERS, IN_A_ROW = 3, 24

SETUP = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Author, Category
category = Category.objects.create(name="Orthopaedics", slug="orthopaedics", is_medical=False)
author = Author.objects.create(name="Jo Writer", slug="jo-writer")
article = Article.objects.create(
    title="Knee surgery before", slug="knee-surgery", standfirst="Costs and recovery.", body="<p>Words.</p>",
    category=category, status="published", published_at=timezone.now() - timedelta(days=1),
)
article.authors.set([author])
"""


def seconds_until(site, path, shows, limit=10):
    """Seconds until IN_A_ROW answers in a row for ``path`` satisfy ``shows(status, body)``; ``limit`` at most."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if all(shows(*site.get(path)[::2]) for _ in range(IN_A_ROW)):
            return time.monotonic() - started
        time.sleep(0.05)
    return float("inf")


def warm(site, *paths):
    """Every worker renders and caches the pages."""
    for path in paths:
        for _ in range(IN_A_ROW):
            assert site.get(path)[0] == 200


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("pagecache"), workers=WORKERS, env={"PAGE_CACHE_SECONDS": "600"}) as site:
        site.manage("shell", "-c", SETUP)
        yield site


ARTICLE = "/articles/knee-surgery/"


def shell(site, code):
    site.manage("shell", "-c", "from articles.models import Article, Tag\narticle = Article.objects.get(slug='knee-surgery')\n" + code)


def test_an_edit_made_in_another_process_reaches_every_worker_within_the_bound(site):
    warm(site, ARTICLE, "/")
    shell(site, "article.title = 'Knee surgery edited'\narticle.save()")
    assert seconds_until(site, ARTICLE, lambda status, body: "Knee surgery edited" in body) <= BOUND
    assert seconds_until(site, "/", lambda status, body: "Knee surgery edited" in body) <= BOUND


def test_a_many_to_many_change_made_outside_the_admin_reaches_every_worker(site):
    warm(site, ARTICLE)
    shell(site, "article.tags.add(Tag.objects.create(name='Rehabilitation', slug='rehabilitation'))")
    assert seconds_until(site, ARTICLE, lambda status, body: "Rehabilitation" in body) <= BOUND


def test_a_reader_during_an_open_edit_gets_the_old_page_and_then_the_new_one(site):
    """The editor's transaction stays open for 2 s: meanwhile readers get (and workers cache) the old page; after
    the commit, every worker serves the new one within the bound."""
    warm(site, ARTICLE)
    _, _, before = site.get(ARTICLE)
    editing = threading.Thread(
        target=shell,
        args=(site, "import time\nfrom django.db import transaction\nwith transaction.atomic():\n"
                    "    article.title = 'Knee surgery during'\n    article.save()\n    print('saved', flush=True)\n"
                    "    time.sleep(2)\n"),
    )
    editing.start()
    time.sleep(1)  # the edit is saved, not committed
    during = [site.get(ARTICLE)[2] for _ in range(IN_A_ROW)]
    assert all("Knee surgery during" not in body for body in during)
    editing.join()
    committed = time.monotonic()
    assert seconds_until(site, ARTICLE, lambda status, body: "Knee surgery during" in body) <= BOUND
    assert time.monotonic() - committed <= BOUND + 1


def test_a_scheduled_article_goes_live_on_every_worker_by_itself(site):
    site.manage("shell", "-c", (
        "from datetime import timedelta\nfrom django.utils import timezone\nfrom articles.models import Article\n"
        "source = Article.objects.get(slug='knee-surgery')\n"
        "article = Article.objects.create(title='Hip surgery scheduled', slug='hip-surgery', standfirst='Soon.',"
        " category=source.category, status='published', published_at=timezone.now() + timedelta(seconds=4))\n"
        "article.authors.set(source.authors.all())\n"
    ))
    warm(site, "/")
    assert "Hip surgery scheduled" not in site.get("/")[2]
    assert seconds_until(site, "/", lambda status, body: "Hip surgery scheduled" in body, limit=15) <= 4 + BOUND


def test_a_deleted_article_leaves_every_worker(site):
    warm(site, ARTICLE, "/")
    shell(site, "article.delete()")
    assert seconds_until(site, ARTICLE, lambda status, body: status == 404) <= BOUND
    assert seconds_until(site, "/", lambda status, body: "knee-surgery" not in body) <= BOUND
