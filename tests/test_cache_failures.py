"""
A Redis that cannot be reached, or hangs, answers as an empty cache (magazine/cache.py): pages are made
without it, quote requests are saved, the rate limit lets forms through with one log line, and the process
leaves Redis alone for a moment after each failure instead of waiting for it on every call.

tests/test_faults_processes.py kills and restarts a real Redis under the production server.
"""

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from magazine import cache as redis_backend
from magazine import faults
from quotes.models import QuoteRequest
from tests.articles.test_uploads import image_bytes
from tests.conftest import make_article
from tests.quotes.test_views import form_data

ROOT = Path(__file__).resolve().parent.parent


def redis_cache_at(location, **options):
    return override_settings(
        CACHES={"default": {"BACKEND": "magazine.cache.RedisCache", "LOCATION": location, "KEY_PREFIX": "test",
                            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, **options}}}
    )  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_clients_and_log_lines():
    """Each test starts with clients that have not failed yet, and log lines not yet written."""
    redis_backend._clients.clear()
    faults._logged.clear()
    yield
    redis_backend._clients.clear()
    faults._logged.clear()


@pytest.fixture
def nobody_listening():
    """A port on which connections are refused: a Redis that is stopped or restarting."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return port


@pytest.fixture
def redis_down(nobody_listening):
    with redis_cache_at(f"redis://127.0.0.1:{nobody_listening}/0"):
        yield


@pytest.fixture
def redis_hanging():
    """A server that takes connections (the kernel does, from its backlog) and never answers: a Redis that hangs."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        with redis_cache_at(f"redis://127.0.0.1:{server.getsockname()[1]}/0"):
            yield


@pytest.fixture
def connection_attempts(monkeypatch):
    import redis.connection

    attempts = []
    connect = redis.connection.AbstractConnection.connect

    def counted(self, *args, **kwargs):
        attempts.append(time.monotonic())
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "connect", counted)
    return attempts


def later(monkeypatch, seconds):
    """Make this process's clock ``seconds`` later than it is."""
    now = time.monotonic()
    monkeypatch.setattr(redis_backend.time, "monotonic", lambda: now + seconds)


def test_every_cache_call_answers_as_an_empty_cache(redis_down):
    assert cache.get("page") is None and cache.get("page", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("lock", 1) is False
    assert cache.set("page", "html") is None and cache.set_many({"a": 1}) == []
    assert cache.has_key("page") is False and cache.touch("page") is False and cache.delete("page") is False
    cache.delete_many(["a", "b"])
    with pytest.raises(ValueError):
        cache.incr("count")


@pytest.mark.django_db
def test_pages_are_made_without_redis(client, settings, redis_down, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = settings.SEARCH_CACHE_SECONDS = 600
    article = make_article(title="Still readable", hero_alt="A scan")
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=1200, height=600)), save=True)
    sitemap = reverse("sitemap-section", kwargs={"section": "articles"})
    pages = [article.get_absolute_url(), reverse("articles:home"), article.category.get_absolute_url(),
             reverse("feed-rss"), reverse("feed-atom"), reverse("articles:search") + "?q=readable"]  # fmt: skip
    for _ in range(2):  # nothing cached the first time, nothing the second
        for url in [*pages, sitemap]:
            # Bounded (the search page, the most: its synonyms, the next scheduled change of articles and of
            # clinics' accreditations read again without the cache, for the synonyms and for the results, the
            # words' stems, the names of tags and categories once, the search itself).
            with django_assert_max_num_queries(18):
                response = client.get(url)
            assert response.status_code == 200, url
            assert ("Still readable" if url != sitemap else article.get_absolute_url()) in response.content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "/media/renditions/" in page and 'srcset="' in page  # the image's renditions, made or found again


@pytest.mark.django_db
def test_quote_requests_are_saved_without_redis_and_the_rate_limit_lets_them_through_with_one_log_line(
    client, settings, redis_down, caplog
):
    settings.QUOTE_RATE_LIMIT = 1
    assert client.get(reverse("quotes:request")).status_code == 200
    with caplog.at_level(logging.WARNING):
        answers = [client.post(reverse("quotes:request"), form_data(email=f"patient-{n}@example.org")) for n in range(4)]
    assert [answer.status_code for answer in answers] == [302] * 4
    assert QuoteRequest.objects.count() == 4
    refused = [record.getMessage() for record in caplog.records if "rate limit cannot be counted" in record.getMessage()]
    assert refused == ["The quote forms' rate limit cannot be counted: letting forms through."]
    assert "Too many" not in client.get(reverse("quotes:thanks")).content.decode()


def test_after_a_failure_redis_is_left_alone_for_a_moment_then_tried_again(redis_down, connection_attempts, monkeypatch):
    assert cache.get("page") is None
    tried = len(connection_attempts)
    assert tried >= 1
    for _ in range(50):
        cache.get("page")
        cache.set("page", "html")
    assert len(connection_attempts) == tried  # not a single new attempt within RETRY_SECONDS
    later(monkeypatch, redis_backend.RETRY_SECONDS + 0.1)
    cache.get("page")
    assert len(connection_attempts) > tried  # tried again after it


def test_a_hanging_redis_costs_one_timeout_per_interval(redis_hanging):
    started = time.monotonic()
    assert cache.get("page", "default") == "default"
    first = time.monotonic() - started
    assert 0.15 < first < 1.5  # the socket timeout (0.2 s), not redis-py's default of 5 s
    started = time.monotonic()
    for _ in range(100):
        assert cache.get("page") is None
        cache.set("page", "html")
    assert time.monotonic() - started < 0.1


def test_redis_failures_are_logged_once_a_minute(redis_down, caplog, monkeypatch, connection_attempts):
    monkeypatch.setattr(redis_backend, "RETRY_SECONDS", 0)  # every call tries Redis again, and fails
    with caplog.at_level(logging.INFO, logger="magazine.cache"):
        for _ in range(20):
            cache.get("page")
    assert len(connection_attempts) >= 20
    lines = [record for record in caplog.records if record.name == "magazine.cache"]
    assert len(lines) == 1 and lines[0].levelname == "WARNING"
    assert "Redis cannot be reached" in lines[0].getMessage() and "going on without the cache" in lines[0].getMessage()


def test_the_production_settings_give_redis_short_timeouts():
    code = "import json; from django.conf import settings; print(json.dumps(settings.CACHES['default']['OPTIONS']))"
    environment = dict(os.environ, DJANGO_DEBUG="1", REDIS_URL="redis://cache:6379/0")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    options = json.loads(result.stdout)
    assert 0 < options["socket_connect_timeout"] <= 1 and 0 < options["socket_timeout"] <= 1
