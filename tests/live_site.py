"""
The production server in subprocesses, on a fresh database of its own.

    from tests.live_site import live_site

    @pytest.mark.processes
    def test_something(tmp_path):
        with live_site(tmp_path, workers=3, threads=1, env={"PAGE_CACHE_SECONDS": "0"}) as site:
            status, headers, body = site.get("/")            # plain urllib, no cookies kept
            browser = site.session()                         # keeps cookies, for CSRF and form flows
            status, headers, body = browser.get("/quote/")
            status, headers, body = browser.post("/quote/", {"name": "...", ...})
            site.manage("shell", "-c", "from articles.models import Article; print(Article.objects.count())")

``live_site`` creates the database, starts gunicorn with the project's ``gunicorn.conf.py`` and the production
settings (debug off, whitenoise's manifest storage, a random secret key, plain HTTP), waits until it answers,
and at exit stops it and drops the database; when the block fails it prints the server's log.

- The database is a SQLite file in ``tmp_path``, or, when the test run's ``DATABASE_URL`` is PostgreSQL, a fresh
  database ``<that database's name>_live_<random>`` on the same server (``database="sqlite"`` or
  ``"postgresql"`` chooses). Both are copies of a template migrated once per test session (the SQLite backup
  API, ``CREATE DATABASE ... TEMPLATE``); ``collectstatic`` also runs once per session.
- ``env`` is added to the server's environment, which holds nothing else of the test run's settings: no
  ``REDIS_URL`` (each process has its own local-memory cache) unless the caller passes one.
- ``site.manage(...)`` runs a management command in another process on the same database and the same
  environment, and raises ``ManageError`` (with its output) when it fails.
- ``site.log`` is the file of the server's output, ``site.environment`` its environment.
- Answers are never followed: a redirect is returned as it is, with its ``Location`` header. ``headers`` is
  an ``http.client.HTTPMessage`` (case-insensitive).
"""

import atexit
import contextlib
import http.client
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import dj_database_url
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30
# What the server keeps of the test run's environment: the system's, never the project's settings.
KEPT_ENVIRONMENT = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "VIRTUAL_ENV"}
# Ports other local servers are told to use (make run, make serve, deploy/nginx.conf).
RESERVED_PORTS = range(8000, 8004)


class ManageError(subprocess.CalledProcessError):
    def __str__(self):
        return f"{super().__str__()}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def base_environment():
    environment = {key: value for key, value in os.environ.items() if key in KEPT_ENVIRONMENT or key.startswith("PG")}
    return environment | {
        "DJANGO_SETTINGS_MODULE": "magazine.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ADMIN_2FA": "0",
        "GUNICORN_ACCESS_LOG": "",
        "PYTHONUNBUFFERED": "1",
    }


def run_manage(args, environment, timeout=120):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise ManageError(result.returncode, ["manage.py", *args], result.stdout, result.stderr)
    return result


class SessionTemplates:
    """A migrated database of each kind and the collected static files, made once per test session."""

    def __init__(self):
        self.lock = threading.Lock()
        self.folder = None
        self.databases = {}

    def prepare(self):
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="magazine-live-"))
            atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
            environment = base_environment() | {"DJANGO_STATIC_ROOT": str(self.static_root)}
            run_manage(["collectstatic", "--noinput", "-v0"], environment)

    @property
    def static_root(self):
        return self.folder / "static"

    def database(self, kind):
        """The URL of the migrated template database of ``kind``."""
        with self.lock:
            self.prepare()
            if kind not in self.databases:
                url = self.sqlite_template() if kind == "sqlite" else self.postgresql_template()
                run_manage(["migrate", "--noinput", "-v0"], base_environment() | {"DATABASE_URL": url})
                self.databases[kind] = url
            return self.databases[kind]

    def sqlite_template(self):
        return f"sqlite:///{self.folder / 'template.sqlite3'}"

    def postgresql_template(self):
        server = PostgreSQL.of_test_run()
        name = server.create()
        atexit.register(server.drop, name)
        return server.url(name)


class PostgreSQL:
    """The server of the test run's DATABASE_URL, where the live sites' databases are created."""

    def __init__(self, url):
        self.settings = dj_database_url.parse(url)

    @classmethod
    def of_test_run(cls):
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise RuntimeError("A live site on PostgreSQL needs the test run's DATABASE_URL to be PostgreSQL.")
        return cls(url)

    def url(self, name):
        s = self.settings
        credentials = urllib.parse.quote(s["USER"] or "", safe="")
        if s["PASSWORD"]:
            credentials += ":" + urllib.parse.quote(s["PASSWORD"], safe="")
        host = s["HOST"] or "localhost"
        return f"postgres://{credentials}@{host}:{s['PORT'] or 5432}/{name}"

    def execute(self, sql):
        s = self.settings
        connection = psycopg2.connect(
            dbname="postgres", user=s["USER"], password=s["PASSWORD"], host=s["HOST"], port=s["PORT"] or 5432
        )
        try:
            connection.autocommit = True  # CREATE and DROP DATABASE refuse to run in a transaction
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def create(self, template=None):
        # Named after the test run's database, so that test runs on one server keep to their own names.
        name = f"{self.settings['NAME']}_live_{secrets.token_hex(4)}"
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop(self, name):
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


TEMPLATES = SessionTemplates()


def free_port():
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then raises the redirect as an HTTPError, answered like any other status


def fetch(opener, url, data=None, timeout=30):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with opener.open(urllib.request.Request(url, data=body), timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


class Session:
    """A client that keeps the site's cookies, and sends the CSRF cookie's token with every form it posts."""

    def __init__(self, url):
        self.url = url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(NoRedirects, urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name):
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def get(self, path):
        return fetch(self.opener, self.url + path)

    def post(self, path, data):
        """
        POST ``data`` as a form: a dict (a list for a field of several values) or a list of pairs. Adds the
        ``csrfmiddlewaretoken`` of the CSRF cookie when ``data`` has none.
        """
        pairs = list(data.items() if isinstance(data, dict) else data)
        if "csrfmiddlewaretoken" not in {name for name, _ in pairs} and self.cookie("csrftoken"):
            pairs.append(("csrfmiddlewaretoken", self.cookie("csrftoken")))
        return fetch(self.opener, self.url + path, pairs)


class LiveSite:
    """The running site: ``url``, ``environment`` (the server's), ``log`` (the file of its output)."""

    def __init__(self, url, environment, log):
        self.url, self.environment, self.log = url, environment, log
        self._opener = urllib.request.build_opener(NoRedirects)

    def get(self, path):
        return fetch(self._opener, self.url + path)

    def session(self):
        return Session(self.url)

    def manage(self, *args, timeout=120):
        return run_manage(args, self.environment, timeout=timeout)


def wait_until_answers(url, server):
    deadline = time.monotonic() + START_TIMEOUT
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with status {server.returncode} before it answered")
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        try:
            connection.request("GET", "/robots.txt")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s")


def stop(server):
    if server.poll() is None:
        server.terminate()  # gunicorn's graceful stop: workers finish what they are answering
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


@contextlib.contextmanager
def database_of_its_own(tmp_path, kind):
    template = TEMPLATES.database(kind)
    if kind == "sqlite":
        path = tmp_path / f"live-{secrets.token_hex(4)}.sqlite3"  # one per site, should a test start two
        # The backup API rather than a file copy: it also copies what a WAL file may still hold.
        with contextlib.closing(sqlite3.connect(template.removeprefix("sqlite:///"))) as source:
            with contextlib.closing(sqlite3.connect(path)) as copy:
                source.backup(copy)
        yield f"sqlite:///{path}"
        return
    server = PostgreSQL.of_test_run()
    name = server.create(template=dj_database_url.parse(template)["NAME"])
    try:
        yield server.url(name)
    finally:
        server.drop(name)


@contextlib.contextmanager
def live_site(tmp_path, *, workers=2, threads=1, env=None, database=None):
    """
    Serve the site with gunicorn (``workers`` processes of ``threads`` threads) on a fresh database: SQLite, or
    PostgreSQL when the test run's DATABASE_URL is (``database`` "sqlite" or "postgresql" chooses). Yields a
    ``LiveSite`` with ``url``, ``get(path)``, ``session()`` and ``manage(*args)``.
    """
    if database is None:
        database = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    with database_of_its_own(tmp_path, database) as database_url:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        environment = base_environment() | {
            "DATABASE_URL": database_url,
            "DJANGO_STATIC_ROOT": str(TEMPLATES.static_root),
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": url,
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            **(env or {}),
        }
        log = tmp_path / f"gunicorn-{port}.log"
        with log.open("w") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
                cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            wait_until_answers(url, server)
            yield LiveSite(url, environment, log)
        except BaseException:
            stop(server)
            print(f"--- gunicorn log ({log})\n{log.read_text()}")
            raise
        finally:
            stop(server)
