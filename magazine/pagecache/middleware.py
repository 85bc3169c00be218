"""
The page cache: public pages for anonymous readers, answered before the session and authentication
middleware, and stored under the site version (version.py) so that any change readers can see drops every
page at once.

Views opt in with ``public_page``. Staff and previews are never served from the cache nor stored in it; no
page is kept past the next scheduled change (data.py). When a page is missing (after an edit every page is),
one request renders it while the others that want it wait for its result, instead of every worker rendering
the same page at once. When Redis fails, the cache answers a miss (magazine/cache.py) and pages are rendered
without it.
"""

import hashlib
import logging
import time
from functools import wraps
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from magazine.i18n import address_language

from . import version
from .data import data_timeout

logger = logging.getLogger(__name__)

# A request that finds another rendering the page it wants waits for it this long at most, looking every
# RENDER_POLL_SECONDS; a rendering request that never finishes holds the others back RENDER_LOCK_SECONDS.
RENDER_WAIT_SECONDS = 3
RENDER_POLL_SECONDS = 0.02
RENDER_LOCK_SECONDS = 10
# The query parameters that change a public page: the page of a list, the file of a sitemap section.
PAGE_QUERY_PARAMETERS = ("page", "p")


def page_language(request):
    """The language of the page at the request's path: its prefix (``/de/…``), else the site's language."""
    return address_language(request.path_info)


def page_key(request, language=None):
    """
    The cache key of the page at the request's host, path and language. Of the query string, only the
    parameters public pages read count: a link shared with tracking parameters (``utm_source``, ``fbclid``,
    a new value for every reader) is the same page, not a new one to render.
    """
    kept = [(name, request.GET.getlist(name)) for name in PAGE_QUERY_PARAMETERS if name in request.GET]
    params = urlencode(kept, doseq=True)
    digest = hashlib.sha256(f"{request.path}?{params}".encode()).hexdigest()
    return f"public-pages:{request.get_host()}:{language or page_language(request)}:{digest}"


def page_cache_timeout():
    return data_timeout(settings.PAGE_CACHE_SECONDS)


class PageCacheEntry:
    """What PublicPageCacheMiddleware and ``public_page`` share about one request."""

    def __init__(self, key, version, language):
        self.key, self.version, self.language = key, version, language
        self.lock = f"{key}:rendering:{version}"
        self.cacheable = False  # set by public_page: the view's anonymous response may be kept
        self.locked = False

    def take_lock(self):
        """True if this request renders the page; False if another is rendering it already."""
        self.locked = cache.add(self.lock, 1, RENDER_LOCK_SECONDS)
        return self.locked

    def release_lock(self):
        if self.locked:
            cache.delete(self.lock)

    def wait(self):
        """
        The page another request is rendering, once it is stored; None if that request ends without storing
        it (a page that is not cached), takes longer than RENDER_WAIT_SECONDS, or no lock is found at all (a
        cache that answers nothing refuses every lock: then the page is rendered at once, without waiting).
        """
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while True:
            found = cache.get_many([self.key, self.lock])
            entry = found.get(self.key)
            if entry is not None and entry[0] == self.version:
                return entry[1]
            if self.lock not in found or time.monotonic() >= deadline:
                return None
            time.sleep(RENDER_POLL_SECONDS)

    def store(self, response):
        if response.status_code != 200 or response.cookies or response.streaming:
            return
        timeout = page_cache_timeout()
        if timeout > 0:
            patch_cache_control(response, public=True, max_age=min(settings.PAGE_MAX_AGE, timeout))
            patch_vary_headers(response, ["Cookie"])
            if not response.has_header("ETag"):
                set_response_etag(response)  # once, not on every conditional GET
            cache.set(self.key, (self.version, response), timeout)


def serves_from_cache(request):
    """
    GET and HEAD requests of readers who are not logged in and have no messages waiting. A session cookie alone
    says neither (anyone can make one up, and a patient who sent a quote request keeps a session with its
    reference), so the session it names is looked up: one indexed query with the database engine.
    """
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return session_key is None or is_anonymous_session(session_key)


def is_anonymous_session(session_key):
    """Whether the session holds neither a logged-in user nor messages (an unknown or expired one holds nothing)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    try:
        return USER_SESSION_KEY not in session and SessionStorage.session_key not in session
    except DatabaseError:
        logger.warning("The session could not be read: serving without the page cache.", exc_info=True)
        return False


class PublicPageCacheMiddleware:
    """
    Answers anonymous requests for cached public pages before the session, authentication and the other
    middleware below it run (one round trip to the cache; the site version is read from the database at most
    every SITE_VERSION_CHECK_SECONDS), and stores the pages of views marked with ``public_page`` as those
    middleware left them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not serves_from_cache(request):
            return self.get_response(request)
        try:
            current = version.current()
        except DatabaseError:
            logger.warning("The site version could not be read: serving without the page cache.", exc_info=True)
            return self.get_response(request)
        language = page_language(request)
        key = page_key(request, language)
        entry = cache.get(key)
        if entry is not None and entry[0] == current:
            return entry[1]
        request.public_page = page = PageCacheEntry(key, current, language)
        token = version.rendering_version.set(current)
        try:
            response = self.get_response(request)
            if page.cacheable:
                page.store(response)
            return response
        finally:
            version.rendering_version.reset(token)
            page.release_lock()


def public_page(view):
    """Marks a view whose pages anonymous readers get from the page cache (PublicPageCacheMiddleware)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            # Logged-in pages may differ from the public ones: no shared cache may keep them.
            patch_cache_control(response, private=True, no_cache=True)
            return response
        page = getattr(request, "public_page", None)
        if page is None:  # not cached: messages are waiting, or the page cache is off
            return view(request, *args, **kwargs)
        # After an edit every page is rendered again: one request renders a page while the others asking
        # for it at the same time wait for its result, instead of all rendering it at once (a stampede).
        if not page.take_lock():
            response = page.wait()
            if response is not None:
                return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        # A view that chose another language than the address says made a page that is not this key's.
        page.cacheable = translation.get_language() == page.language
        return response

    return wrapped
