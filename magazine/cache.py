"""
Django's Redis cache backend, with one Redis client per process, that answers a miss when Redis fails.

Django's backend builds a ``redis.Redis`` object on every cache call (about 50 µs, more than the call to
Redis itself on a local network) and keeps one connection pool per thread. Here every thread of a process
shares one client per server, and so one connection pool: redis-py's clients and pools are thread-safe,
and a pool opens new connections after a fork.

The cache is an accelerator: when Redis cannot be reached (stopped, restarting, out of memory, too slow to
answer within the ``socket_timeout`` of the settings), every call answers as if the cache were empty (``get``
its default, ``get_many`` nothing, ``add`` False, ``incr`` the ValueError of a missing key) and writes are
dropped, so that pages are made without it and what readers send is handled all the same. After a failure to
connect or a timeout, the process leaves Redis alone for ``RETRY_SECONDS`` before trying again (a hanging
Redis costs one timeout per interval, not one per call), and logs it once a minute; nothing needs restarting
when Redis is back.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends import redis as django_redis
from django.utils.functional import cached_property

from magazine.faults import LOG_INTERVAL_SECONDS, throttled_warning

logger = logging.getLogger(__name__)

# After Redis failed to answer, it is not asked again for this long: the longest the cache stays unused after
# Redis is back.
RETRY_SECONDS = 2

_clients = {}
_clients_lock = threading.Lock()
_UNANSWERED = object()


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._redis_clients = {}
        self.unreachable_until = 0.0  # time.monotonic() before which Redis is not asked; 0 when it answers

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._redis_clients.get(index)
        if client is None:
            with _clients_lock:
                client = self._redis_clients.get(index)
                if client is None:
                    if index not in self._pools:
                        self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    client = self._redis_clients[index] = self._client(connection_pool=self._pools[index])
        return client

    def _ask(self, call, *args):
        """``call(*args)``, or ``_UNANSWERED`` if Redis fails (or failed less than RETRY_SECONDS ago)."""
        if self.unreachable_until and time.monotonic() < self.unreachable_until:
            return _UNANSWERED
        try:
            result = call(*args)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            self.unreachable_until = time.monotonic() + RETRY_SECONDS
            throttled_warning(
                logger, LOG_INTERVAL_SECONDS, "Redis cannot be reached (%s): going on without the cache.", error
            )
            return _UNANSWERED
        except redis.RedisError as error:  # it answered, with an error (out of memory, a read-only replica...)
            throttled_warning(logger, LOG_INTERVAL_SECONDS, "Redis refused a command (%s): going on without it.", error)
            return _UNANSWERED
        if self.unreachable_until:
            self.unreachable_until = 0.0
            logger.info("Redis answers again: the cache is used again.")
        return result

    def _ask_or(self, answer, call, *args):
        result = self._ask(call, *args)
        return answer if result is _UNANSWERED else result

    def add(self, key, value, timeout):
        return self._ask_or(False, super().add, key, value, timeout)

    def get(self, key, default):
        return self._ask_or(default, super().get, key, default)

    def set(self, key, value, timeout):
        self._ask(super().set, key, value, timeout)

    def touch(self, key, timeout):
        return self._ask_or(False, super().touch, key, timeout)

    def delete(self, key):
        return self._ask_or(False, super().delete, key)

    def get_many(self, keys):
        return self._ask_or({}, super().get_many, keys)

    def has_key(self, key):
        return self._ask_or(False, super().has_key, key)

    def incr(self, key, delta):
        result = self._ask(super().incr, key, delta)
        if result is _UNANSWERED:
            raise ValueError(f"Key '{key}' not found (Redis did not answer).")
        return result

    def set_many(self, data, timeout):
        self._ask(super().set_many, data, timeout)

    def delete_many(self, keys):
        self._ask(super().delete_many, keys)

    def clear(self):
        return self._ask_or(False, super().clear)


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache``, the same settings, one client per process, a miss
    when Redis fails."""

    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = RedisCacheClient(self._servers, **self._options)
        return client
