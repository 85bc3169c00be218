"""
What the site answers when a service it depends on fails.

- The database cannot be reached (PostgreSQL stopped or restarting, a connection refused or lost, SQLite
  locked for longer than its timeout): ``DatabaseUnavailableMiddleware`` answers the site's own page, "try
  again in a minute", as HTTP 503 with ``Retry-After``, rendered without the database, instead of a 500. A
  view that holds what a reader typed answers itself, so as to give it back (the quote form,
  quotes/views.py), with ``DATABASE_UNAVAILABLE``, ``retry_later()`` and ``database_unavailable()``.
- ``throttled_warning``: one log line per cause and interval in each process, however many requests meet
  the fault.

Redis failing is the cache backend's to answer (magazine/cache.py): pages are then made without the cache.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# Raised by Django's database backends when the server cannot be reached or lost the connection (and when a
# query is cancelled or deadlocked, or SQLite stays locked): nothing the request did wrong, worth trying again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What browsers and proxies are told: a restarting PostgreSQL is back within seconds; a longer outage is
# asked about again twice a minute.
RETRY_AFTER_SECONDS = 30
LOG_INTERVAL_SECONDS = 60

_logged = {}  # message: [time.monotonic() of its last line, lines left out since]
_logged_lock = threading.Lock()


def throttled_warning(log, seconds, message, *args):
    """
    ``log.warning(message, *args)``, unless the same message was logged less than ``seconds`` ago by this
    process; the next line says how many were left out meanwhile.
    """
    now = time.monotonic()
    with _logged_lock:
        entry = _logged.setdefault((log.name, message), [None, 0])
        if entry[0] is not None and now - entry[0] < seconds:
            entry[1] += 1
            return
        left_out, entry[:] = entry[1], [now, 0]
    if left_out:
        log.warning(message + " (%d more times since the last such line)", *args, left_out)
    else:
        log.warning(message, *args)


def database_unavailable(error):
    """Log that the database could not be reached (once a minute)."""
    # The error's first line names the server and the cause; later lines could quote a statement.
    cause = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    # Not the path: a patient's quote page is addressed by its signed link.
    throttled_warning(logger, LOG_INTERVAL_SECONDS, "The database cannot be reached (%s): answering without it.", cause)


def retry_later(response):
    """``response`` as an answer to try again later: HTTP 503, ``Retry-After``, never kept by any cache."""
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def unavailable_page():
    """
    The site's page for a database it cannot reach. Rendered without the request, so that no context processor
    runs (the navigation and the site blocks come from the database).
    """
    html = render_to_string(
        "503.html", {"magazine_name": settings.MAGAZINE_NAME, "retry_after": RETRY_AFTER_SECONDS}, using="jinja2"
    )
    return retry_later(HttpResponse(html))


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with ``Retry-After`` and the site's own page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        database_unavailable(exception)
        return unavailable_page()
