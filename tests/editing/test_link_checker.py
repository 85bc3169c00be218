import io
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Reference
from editing.linkcheck import check_urls, external_links, own_hosts
from editing.models import BrokenLink
from tests.conftest import make_article
from tests.editing.helpers import queries_of

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    seen = []
    lock = threading.Lock()
    in_flight = 0
    most_in_flight = 0

    def log_message(self, *args):
        pass

    def answer(self, body):
        cls = type(self)
        with cls.lock:
            cls.seen.append((self.command, self.path))
            cls.in_flight += 1
            cls.most_in_flight = max(cls.most_in_flight, cls.in_flight)
        try:
            if self.path.startswith("/slow"):
                time.sleep(1.5)
            if self.path.startswith("/busy"):
                time.sleep(0.2)
            if self.path == "/missing":
                status = 404
            elif self.path == "/no-head" and self.command == "HEAD":
                status = 405
            elif self.path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/ok")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            else:
                status = 200
            payload = b"hello" if body else b""
            self.send_response(status)
            self.send_header("Content-Length", str(5))
            self.end_headers()
            if body:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with cls.lock:
                cls.in_flight -= 1

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)


@pytest.fixture
def server():
    Handler.seen, Handler.in_flight, Handler.most_in_flight = [], 0, 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing-listens"


def run(*args):
    out = io.StringIO()
    call_command("check_links", *args, stdout=out)
    return out.getvalue()


def test_ok_404_timeout_and_refused_links_are_told_apart(server, refused):
    ok, missing, slow, no_head, moved = (f"{server}{p}" for p in ("/ok", "/missing", "/slow", "/no-head", "/moved"))
    broken = check_urls([ok, missing, slow, refused, no_head, moved], concurrency=4, timeout=0.5)
    assert set(broken) == {missing, slow, refused}
    assert broken[missing] == (404, "HTTP 404")
    assert broken[slow] == (None, "No answer in time (timed out).")
    assert broken[refused] == (None, "Connection refused.")
    # HEAD first; GET only where HEAD was not answered well.
    assert ("HEAD", "/ok") in Handler.seen and ("GET", "/ok") not in Handler.seen
    assert ("HEAD", "/no-head") in Handler.seen and ("GET", "/no-head") in Handler.seen


def test_no_more_than_the_concurrency_are_checked_at_once(server):
    urls = [f"{server}/busy/{n}" for n in range(12)]
    assert check_urls(urls, concurrency=3, timeout=5) == {}
    assert 1 <= Handler.most_in_flight <= 3


def test_the_command_records_the_broken_links_of_published_articles_only(server, refused):
    live = make_article(
        title="Live",
        body=f'<p><a href="{server}/ok">fine</a> <a href="{server}/missing">gone</a> <a href="/articles/x/">internal</a></p>',
    )
    Reference.objects.create(article=live, citation="A study", url=refused)
    make_article(title="Draft", status=Article.Status.DRAFT, body=f'<p><a href="{server}/missing">gone</a></p>')
    output = run("--timeout=0.5")
    assert "Checked 3 address(es) of 1 published article(s): 2 broken." in output
    rows = {link.url: link for link in BrokenLink.objects.all()}
    assert set(rows) == {f"{server}/missing", refused}
    assert rows[f"{server}/missing"].status == 404 and rows[f"{server}/missing"].article == live
    assert rows[refused].status is None and rows[refused].error == "Connection refused."


def test_a_link_that_works_again_leaves_the_list_and_a_broken_one_keeps_when_it_was_first_seen(server):
    article = make_article(body=f'<p><a href="{server}/missing">a</a> <a href="{server}/ok">b</a></p>')
    run()
    first = BrokenLink.objects.get()
    BrokenLink.objects.update(first_seen_at=timezone.now() - timedelta(days=3))
    BrokenLink.objects.create(article=article, url=f"{server}/ok", status=500, first_seen_at=timezone.now(), checked_at=timezone.now())
    run()
    again = BrokenLink.objects.get()
    assert again.url == first.url and again.checked_at > first.checked_at
    assert timezone.now() - again.first_seen_at > timedelta(days=2)


def test_the_broken_links_of_an_article_taken_down_are_dropped(server):
    article = make_article(body=f'<p><a href="{server}/missing">a</a></p>')
    run()
    assert BrokenLink.objects.count() == 1
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    run()
    assert not BrokenLink.objects.exists()


def test_bad_options_are_refused():
    with pytest.raises(CommandError, match="concurrency"):
        run("--concurrency=0")
    with pytest.raises(CommandError, match="timeout"):
        run("--timeout=0")


def test_external_links_are_http_links_to_other_sites_each_once():
    article = make_article(
        body='<p><a href="https://a.example/x">1</a><a href="https://a.example/x">again</a><a href="mailto:x@y.z">m</a>'
        '<a href="http://127.0.0.1:8000/articles/y/">own</a><a href="/articles/z/">rel</a><a href="ftp://f.example/">ftp</a></p>'
    )
    Reference.objects.create(article=article, citation="c", url="https://doi.org/10.1000/1")
    assert external_links(article, own_hosts()) == ["https://a.example/x", "https://doi.org/10.1000/1"]


def test_editors_and_reviewers_see_the_list_triage_and_anonymous_do_not(client, editor, reviewer, triage):
    article = make_article()
    BrokenLink.objects.create(article=article, url="https://gone.example/", status=404, first_seen_at=timezone.now(), checked_at=timezone.now())
    url = reverse("admin:editing_brokenlink_changelist")
    for user in (editor, reviewer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and "https://gone.example/" in response.content.decode()
    client.force_login(triage)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_nobody_edits_the_list_by_hand(client, editor):
    article = make_article()
    link = BrokenLink.objects.create(article=article, url="https://gone.example/", status=404, first_seen_at=timezone.now(), checked_at=timezone.now())
    client.force_login(editor)
    assert client.get(reverse("admin:editing_brokenlink_add")).status_code == 403
    assert client.post(reverse("admin:editing_brokenlink_delete", args=[link.pk])).status_code == 403


def test_the_list_runs_the_same_queries_for_two_or_twelve_links(client, editor):
    client.force_login(editor)
    now = timezone.now()
    for n in range(2):
        BrokenLink.objects.create(article=make_article(), url=f"https://g.example/{n}", status=404, first_seen_at=now, checked_at=now)
    few = queries_of(client, reverse("admin:editing_brokenlink_changelist"))
    for n in range(10):
        BrokenLink.objects.create(article=make_article(), url=f"https://h.example/{n}", status=404, first_seen_at=now, checked_at=now)
    assert queries_of(client, reverse("admin:editing_brokenlink_changelist")) == few
