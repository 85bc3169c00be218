"""
Cache of public pages for anonymous readers, with invalidation that needs no list of keys.

Every cached page is stored under the current *site version*. Saving or deleting
anything readers see (articles, their references and corrections, categories,
tags, authors, site blocks, pages) bumps the version, so every page changes at
once. A scheduled article must appear when its time comes without any save, so
no page is cached past the next scheduled publication or expiry. Staff and previews are
never served from the cache nor stored in it.

When a page is missing from the cache (after an edit, every page is), one request renders it
while the others that want it wait for its result: a shared article does not make every worker
render the same page at once. The counts of the article lists are cached the same way as pages.
"""

import hashlib
import math
import time
from contextvars import ContextVar
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

VERSION_KEY = "public-pages:version"
# Data shown on public pages (counts, navigation): kept at most this long, and dropped at any edit.
DATA_SECONDS = 3600
# A request that finds another rendering the page it wants waits for it this long at most, looking every
# RENDER_POLL_SECONDS; a rendering request that never finishes holds the others back RENDER_LOCK_SECONDS.
RENDER_WAIT_SECONDS = 3
RENDER_POLL_SECONDS = 0.02
RENDER_LOCK_SECONDS = 10
# The query parameters that change a public page: the page of a list, the file of a sitemap section.
PAGE_QUERY_PARAMETERS = ("page", "p")
# The site version a public page is being rendered under (PublicPageCacheMiddleware): the counts and other
# data the page reads are those of that version, without asking the cache for it again.
rendering_version = ContextVar("rendering_version", default=None)


def site_version():
    version = rendering_version.get()
    if version is not None:
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache (restart, eviction) starts a new series, never an old one (processes keep the site
        # data of the version they saw last: articles/context_processors.py).
        version = int(timezone.now().timestamp() * 1_000_000)
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_site_version():
    """Call after any change readers can see: every cached public page is dropped at once."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        site_version()


def versioned_key(name):
    return f"{name}:{site_version()}"


def seconds_until_next_publication():
    """Seconds before the next scheduled article goes live or expires, or None if nothing is scheduled."""
    key = versioned_key("public-pages:next-change")
    cached = cache.get(key)
    now = timezone.now()
    if cached is None:
        from .models import Article

        upcoming = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
            publication=Min("published_at", filter=Q(published_at__gt=now)),
            expiry=Min("expires_at", filter=Q(expires_at__gt=now)),
        )
        upcoming = [moment for moment in upcoming.values() if moment]
        cached = min(upcoming).timestamp() if upcoming else 0
        # Kept until that moment at most: then the next one is looked up.
        timeout = DATA_SECONDS if not cached else min(DATA_SECONDS, math.ceil(cached - now.timestamp()))
        cache.set(key, cached, timeout=max(1, timeout))
    if not cached:
        return None
    return max(0, int(cached - now.timestamp()))


def data_timeout(seconds=DATA_SECONDS):
    """How long data shown on public pages may be cached: ``seconds``, or less if a scheduled change comes first."""
    until_next = seconds_until_next_publication()
    return seconds if until_next is None else min(seconds, until_next)


def page_cache_timeout():
    return data_timeout(settings.PAGE_CACHE_SECONDS)


def cached_count(name, count):
    """The result of ``count()`` for the list ``name``, cached until readers could see another number."""
    key = versioned_key(f"public-counts:{name}")
    value = cache.get(key)
    if value is None:
        value = count()
        timeout = data_timeout()
        if timeout > 0:
            cache.set(key, value, timeout)
    return value


def page_key(request):
    """
    The cache key of the page at the request's host and path. Of the query string, only the parameters
    public pages read count: a link shared with tracking parameters (``utm_source``, ``fbclid``, a new
    value for every reader) is the same page, not a new one to render.
    """
    kept = [(name, request.GET.getlist(name)) for name in PAGE_QUERY_PARAMETERS if name in request.GET]
    params = urlencode(kept, doseq=True)
    digest = hashlib.sha256(f"{request.path}?{params}".encode()).hexdigest()
    return f"public-pages:{request.get_host()}:{digest}"


class PageCacheEntry:
    """What PublicPageCacheMiddleware and ``public_page`` share about one request."""

    def __init__(self, key, version):
        self.key, self.version = key, version
        self.lock = f"{key}:rendering:{version}"
        self.cacheable = False  # set by public_page: the view's anonymous response may be kept
        self.locked = False

    def wait(self):
        """
        The page another request is rendering, once it is stored; None if that request ends without storing
        it (a page that is not cached) or takes longer than RENDER_WAIT_SECONDS.
        """
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            found = cache.get_many([self.key, self.lock])
            entry = found.get(self.key)
            if entry is not None and entry[0] == self.version:
                return entry[1]
            if self.lock not in found:
                return None
        return None

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
    """Anonymous GET and HEAD requests: no session cookie, so no logged-in user and no messages."""
    return (
        request.method in ("GET", "HEAD")
        and settings.PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PublicPageCacheMiddleware:
    """
    Answers anonymous requests for cached public pages before the session, authentication and the other
    middleware below it run, with one round trip to the cache (the site version and the page together),
    and stores the pages of views marked with ``public_page`` as those middleware left them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not serves_from_cache(request):
            return self.get_response(request)
        key = page_key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found[VERSION_KEY] if VERSION_KEY in found else site_version()
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        request.public_page = page = PageCacheEntry(key, version)
        token = rendering_version.set(version)
        try:
            response = self.get_response(request)
            if page.cacheable:
                page.store(response)
            return response
        finally:
            rendering_version.reset(token)
            if page.locked:
                cache.delete(page.lock)


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
        if page is None:  # not cached: a request with a session cookie, or the page cache is off
            return view(request, *args, **kwargs)
        # After an edit every page is rendered again: one request renders a page while the others asking
        # for it at the same time wait for its result, instead of all rendering it at once (a stampede).
        page.locked = cache.add(page.lock, 1, RENDER_LOCK_SECONDS)
        if not page.locked:
            response = page.wait()
            if response is not None:
                return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        page.cacheable = True
        return response

    return wrapped


class InvalidatesPublicPages:
    """For models whose rows readers see: a save or delete bumps the site version."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        bump_site_version()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        bump_site_version()
        return result
