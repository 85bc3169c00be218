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
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "public-pages:version"
# Data shown on public pages (counts, navigation): kept at most this long, and dropped at any edit.
DATA_SECONDS = 3600
# A request that finds another rendering the page it wants waits for it this long at most, looking every
# RENDER_POLL_SECONDS; a rendering request that never finishes holds the others back RENDER_LOCK_SECONDS.
RENDER_WAIT_SECONDS = 3
RENDER_POLL_SECONDS = 0.02
RENDER_LOCK_SECONDS = 10


def site_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache (restart, eviction) starts a new series, never an old one.
        version = int(timezone.now().timestamp() * 1000)
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


def wait_for_page(key, lock):
    """
    The page another request is rendering under ``key``, once it is stored; None if that request ends
    without storing it (a page that is not cached) or takes longer than RENDER_WAIT_SECONDS.
    """
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        found = cache.get_many([key, lock])
        if key in found:
            return found[key]
        if lock not in found:
            return None
    return None


def render_and_store(view, request, args, kwargs, key):
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    if response.status_code == 200 and not response.cookies and not response.streaming:
        timeout = page_cache_timeout()
        if timeout > 0:
            patch_cache_control(response, public=True, max_age=min(settings.PAGE_MAX_AGE, timeout))
            patch_vary_headers(response, ["Cookie"])
            cache.set(key, response, timeout)
    return response


def page_key(request):
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return versioned_key(f"public-pages:{request.get_host()}:{digest}")


def public_page(view):
    """Serve anonymous GET and HEAD requests of ``view`` from the page cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            # Logged-in pages may differ from the public ones: no shared cache may keep them.
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request)
        response = cache.get(key)
        if response is not None:
            return response
        # After an edit every page is rendered again: one request renders a page while the others asking
        # for it at the same time wait for its result, instead of all rendering it at once (a stampede).
        lock = f"{key}:rendering"
        if not cache.add(lock, 1, RENDER_LOCK_SECONDS):
            response = wait_for_page(key, lock)
            if response is not None:
                return response
        try:
            return render_and_store(view, request, args, kwargs, key)
        finally:
            cache.delete(lock)

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
