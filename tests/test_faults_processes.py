"""
The production server (gunicorn, tests/live_site.py) while the services it depends on fail, each test with a
server of its own on a free port: Redis killed and started again, PostgreSQL stopped and started again.

- Redis down: cached and uncached pages, the quote form and every patient's request go on, without the
  cache; once Redis is back the cache is used again, without restarting anything.
- PostgreSQL down: readers and patients get the site's page as 503 with Retry-After, a patient's form comes
  back filled in; once PostgreSQL is back, every worker replaces its dead connections and the form sent again
  is saved, once.
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
import redis

from tests.live_site import base_environment, free_port, live_site, run_manage
from tests.quotes.test_concurrent_submissions import FORM_TOKEN_RE, REFERENCE_RE, quote_form

pytestmark = pytest.mark.processes

SETUP = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Author, Category
category = Category.objects.create(name="Orthopaedics", slug="orthopaedics", is_medical=False)
author = Author.objects.create(name="Jo Writer", slug="jo-writer")
for slug, title in (("knee-surgery", "Knee surgery abroad"), ("hip-surgery", "Hip surgery abroad")):
    article = Article.objects.create(
        title=title, slug=slug, standfirst="Costs and recovery.", body="<p>Words.</p>",
        category=category, status="published", published_at=timezone.now() - timedelta(days=1),
    )
    article.authors.set([author])
"""
CACHED, UNCACHED = "/articles/knee-surgery/", "/articles/hip-surgery/"
ENV = {
    "PAGE_CACHE_SECONDS": "600",
    "QUOTE_MIN_FILL_SECONDS": "0",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
WORKERS = 2
VALUE_RE = r'name="{}" value="([^"]*)"'


def eventually(check, seconds=10):
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def saved_requests(site):
    code = (
        "import json; from quotes.models import QuoteRequest;"
        "print(json.dumps(dict(QuoteRequest.objects.values_list('email', 'reference'))))"
    )
    return json.loads(site.manage("shell", "--no-imports", "-c", code).stdout)


class Patient:
    """A patient's browser: the form (with its own token and CSRF cookie), sent, then the thanks page."""

    def __init__(self, site, n):
        self.browser, self.n = site.session(), n

    def open_form(self):
        status, _, page = self.browser.get("/quote/")
        self.form = quote_form(self.n, FORM_TOKEN_RE.search(page)[1]) if status == 200 else None
        return status

    def send(self, form=None):
        """(status of the POST, its page, the reference the thanks page shows or None)."""
        status, headers, page = self.browser.post("/quote/", form or self.form)
        if status != 302:
            return status, page, None
        thanks_status, _, thanks = self.browser.get(headers["Location"])
        shown = REFERENCE_RE.search(thanks) if thanks_status == 200 else None
        return status, page, shown[0] if shown else None


# Redis


@contextlib.contextmanager
def redis_server(folder, port):
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        client = redis.Redis(port=port, socket_connect_timeout=0.5)
        assert eventually(lambda: _answers(client), 5), "redis-server did not start"
        yield server
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()


def _answers(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


def cached_pages(port):
    return list(redis.Redis(port=port).scan_iter("magazine:*public-pages:*"))


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_with_redis_killed_pages_and_quote_requests_go_on_and_the_cache_comes_back_by_itself(tmp_path):
    port = free_port()
    env = ENV | {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "QUOTE_RATE_LIMIT": "3"}
    with redis_server(tmp_path, port) as server, live_site(tmp_path, workers=WORKERS, env=env) as site:
        site.manage("shell", "-c", SETUP)
        for _ in range(4):
            assert site.get(CACHED)[0] == 200
        assert cached_pages(port)

        # Redis up: the rate limit counts across the workers.
        patients = [Patient(site, n) for n in range(4)]
        assert [patient.open_form() for patient in patients] == [200] * 4
        assert [patient.send()[0] for patient in patients] == [302, 302, 302, 429]

        server.kill()
        server.wait()
        for path in (CACHED, UNCACHED, "/"):
            status, _, body = site.get(path)
            assert status == 200 and "Knee surgery abroad" in body, path
        patients = [Patient(site, n) for n in range(10, 16)]
        assert [patient.open_form() for patient in patients] == [200] * 6
        answers = [patient.send() for patient in patients]  # more than the rate limit: it cannot count
        assert [status for status, _, _ in answers] == [302] * 6
        saved = saved_requests(site)
        assert [reference for _, _, reference in answers] == [saved[f"patient-{n}@example.org"] for n in range(10, 16)]
        assert len(saved) == 9  # 3 before, 6 during, nothing lost

        with redis_server(tmp_path, port):  # the same address, empty, and nothing restarted
            assert eventually(lambda: site.get(CACHED)[0] == 200 and bool(cached_pages(port)), 10)
        log = site.log.read_text()
        assert "Internal Server Error" not in log
        assert 1 <= log.count("Redis cannot be reached") <= WORKERS  # once per process, not per request


# PostgreSQL

PG_BIN = Path("/usr/lib/postgresql/15/bin")


class Cluster:
    """A PostgreSQL cluster of its own in a temporary folder (as the postgres user when run as root)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="magazine_faults_pg_"))
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres")
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-N", "-E", "UTF8", "--locale=C.UTF-8")

    @property
    def data(self):
        return str(self.folder / "data")

    def run(self, program, *args):
        subprocess.run([*self.as_owner, str(PG_BIN / program), *args], check=True, capture_output=True, timeout=60)

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", self.data, "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name):
        connection = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=self.port)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.url(name)

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"{PG_BIN / 'initdb'} is missing: PostgreSQL 15's server programs are not installed")
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def test_with_postgresql_stopped_readers_get_503_patients_keep_their_form_and_the_site_recovers(tmp_path, cluster):
    url = cluster.create_database("magazine_faults_live")
    run_manage(["migrate", "--noinput", "-v0"], base_environment() | {"DATABASE_URL": url})
    with live_site(tmp_path, workers=WORKERS, env=ENV | {"DATABASE_URL": url}, database="sqlite") as site:
        site.manage("shell", "-c", SETUP)
        for _ in range(4):
            assert site.get(CACHED)[0] == 200  # each worker has read the site version and cached the page
        patient = Patient(site, 1)
        assert patient.open_form() == 200

        cluster.stop()
        for path in (UNCACHED, "/quote/"):
            for _ in range(WORKERS):
                status, headers, body = site.get(path)
                assert status == 503 and headers["Retry-After"] == "30", path
                assert "We cannot show this page right now" in body, path
        assert site.get(CACHED)[0] == 200  # a cached page needs no database
        status, page, _ = patient.send()
        assert status == 503
        assert "Your request was not sent" in page and 'value="Patient 1"' in page
        assert "Osteoarthritis of the right knee, looking for a replacement.</textarea>" in page
        again = {name: re.search(VALUE_RE.format(name), page)[1] for name in ("form_token", "name", "email")}
        assert again["form_token"] == patient.form["form_token"]

        cluster.start()
        assert eventually(lambda: site.get(UNCACHED)[0] == 200, 10)
        # Every worker gave up its dead connection for a new one.
        assert [site.get(UNCACHED)[0] for _ in range(4 * WORKERS)] == [200] * 4 * WORKERS
        first, second = patient.send(patient.form | again), patient.send(patient.form | again)  # and a second click
        assert first[0] == second[0] == 302
        assert saved_requests(site) == {"patient-1@example.org": first[2]}
        assert "Internal Server Error" not in site.log.read_text()
