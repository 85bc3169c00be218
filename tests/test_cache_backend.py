import threading
import uuid

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_available(), reason="no Redis server on 127.0.0.1:6379")


@pytest.fixture
def redis_cache():
    prefix = f"test-{uuid.uuid4().hex}"
    backend = {"BACKEND": "magazine.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                                   "redis": backend}):  # fmt: skip
        yield caches["redis"]
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_it_is_a_working_django_cache(redis_cache):
    assert redis_cache.get("missing") is None
    redis_cache.set("page", {"html": "<p>Hello</p>"}, 30)
    assert redis_cache.get("page") == {"html": "<p>Hello</p>"}
    assert redis_cache.add("page", "other") is False
    redis_cache.set("version", 1)
    assert redis_cache.incr("version") == 2
    redis_cache.delete("page")
    assert redis_cache.get("page") is None
    assert redis_cache.get_many(["version", "page"]) == {"version": 2}


def test_every_thread_of_a_process_shares_one_client_and_pool(redis_cache):
    redis_cache.set("key", "value")
    seen = []

    def use_cache():
        # Each thread has its own backend object (Django's cache handler is thread-local).
        backend = caches["redis"]
        assert backend.get("key") == "value"
        seen.append((backend, backend._cache.get_client(), backend._cache.get_client(write=True)))

    threads = [threading.Thread(target=use_cache) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4
    assert len({id(backend) for backend, _, _ in seen}) == 4
    assert len({id(client) for _, client, _ in seen}) == 1
    assert len({id(client.connection_pool) for _, client, _ in seen}) == 1
    assert seen[0][1] is seen[0][2]  # one server: reads and writes go to the same client
