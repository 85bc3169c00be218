"""
Cache of public pages for anonymous readers, with invalidation that needs no list of keys.

Every cached page is stored under the current *site version*. Saving or deleting
anything readers see (articles, their references and corrections, categories,
tags, authors, site blocks, pages) bumps the version, so every page changes at
once. A scheduled article must appear when its time comes without any save, so
no page is cached past the next scheduled publication or expiry. Staff and previews are
never served from the cache nor stored in it.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "public-pages:version"


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
    if cached is None:
        from .models import Article

        now = timezone.now()
        published = Article.objects.filter(status=Article.Status.PUBLISHED)
        upcoming = [
            published.filter(published_at__gt=now).aggregate(next=Min("published_at"))["next"],
            published.filter(expires_at__gt=now).aggregate(next=Min("expires_at"))["next"],
        ]
        upcoming = [moment for moment in upcoming if moment]
        cached = min(upcoming).timestamp() if upcoming else 0
        cache.set(key, cached, timeout=settings.PAGE_CACHE_SECONDS)
    if not cached:
        return None
    return max(0, int(cached - timezone.now().timestamp()))


def page_cache_timeout():
    timeout = settings.PAGE_CACHE_SECONDS
    until_next = seconds_until_next_publication()
    if until_next is not None:
        timeout = min(timeout, until_next)
    return timeout


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
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = versioned_key(f"public-pages:{request.get_host()}:{digest}")
        response = cache.get(key)
        if response is None:
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
