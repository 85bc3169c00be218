"""The PostgreSQL backend's health check without a round trip (magazine/postgresql/base.py)."""

import time

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's"),
    pytest.mark.django_db,
]


@pytest.fixture
def other():
    """A connection of its own, outside the test's transaction, as a web process keeps one."""
    wrapper = connection.copy()
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def backend_pid(wrapper):
    with wrapper.connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def last_query(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def terminate(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def eventually_unusable(wrapper, seconds=5):
    deadline = time.monotonic() + seconds
    while wrapper.is_usable():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_settings_use_the_backend():
    assert connection.settings_dict["ENGINE"] == "magazine.postgresql"


def test_a_healthy_connection_is_usable_without_a_query(other):
    pid = backend_pid(other)
    with other.connection.cursor() as cursor:
        cursor.execute("SELECT 'the last query'")
    assert other.is_usable()
    assert last_query(pid) == "SELECT 'the last query'"


def test_a_connection_the_server_ended_is_not_usable(other):
    terminate(backend_pid(other))
    assert eventually_unusable(other)


def test_a_closed_connection_is_not_usable(other):
    other.connection.close()
    assert not other.is_usable()
    other.connection = None
    assert not other.is_usable()


def test_a_failed_transaction_is_not_usable_until_rolled_back(other):
    other.connection.autocommit = False
    with other.connection.cursor() as cursor:
        with pytest.raises(Exception, match="division by zero"):
            cursor.execute("SELECT 1 / 0")
    assert not other.is_usable()
    other.connection.rollback()
    assert other.is_usable()


def test_a_request_after_the_server_ended_the_connection_gets_a_new_one(other):
    """What each request does first with a kept connection (CONN_HEALTH_CHECKS): a dead one is replaced."""
    old = backend_pid(other)
    terminate(old)
    assert eventually_unusable(other)
    other.health_check_enabled, other.health_check_done = True, False
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old
