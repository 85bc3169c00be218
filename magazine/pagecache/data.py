"""
Data shown on public pages, cached under the site version: list counts, site-wide blocks, the next time
something goes live by itself.

Apps tell the page cache when what readers see will change without any edit (``schedule``): a scheduled
article going live, or expiring. Nothing is kept past that moment.

When Redis fails, the cache answers a miss (magazine/cache.py): the data is then computed again, and the page
is rendered without the cache.
"""

import math

from django.core.cache import cache
from django.utils import timezone, translation

from . import version

# Data shown on public pages (counts, navigation): kept at most this long, and dropped at any edit.
DATA_SECONDS = 3600

# Functions of the current time that return the next moment at which readers will see a change without any
# edit (or None), registered by the apps (``schedule``).
_schedules = []


def schedule(next_change):
    """Register ``next_change(now)``: the next time readers see a change by itself, or None."""
    if next_change not in _schedules:
        _schedules.append(next_change)


def versioned_key(name):
    return f"{name}:{version.current()}"


def seconds_until_next_change():
    """Seconds before readers see a change by itself (a scheduled publication or expiry), or None."""
    key = versioned_key("public-pages:next-change")
    cached = cache.get(key)
    now = timezone.now()
    if cached is None:
        upcoming = [moment for moment in (next_change(now) for next_change in _schedules) if moment]
        cached = min(upcoming).timestamp() if upcoming else 0
        # Kept until that moment at most: then the next one is looked up.
        timeout = DATA_SECONDS if not cached else min(DATA_SECONDS, math.ceil(cached - now.timestamp()))
        cache.set(key, cached, max(1, timeout))
    if not cached:
        return None
    return max(0, int(cached - now.timestamp()))


def data_timeout(seconds=DATA_SECONDS):
    """How long data shown on public pages may be cached: ``seconds``, or less if a scheduled change comes first."""
    until_next = seconds_until_next_change()
    return seconds if until_next is None else min(seconds, until_next)


def cached_count(name, count):
    """
    The result of ``count()`` for the list ``name`` in the page's language (each language lists its own
    articles), cached until readers could see another number.
    """
    key = versioned_key(f"public-counts:{translation.get_language()}:{name}")
    value = cache.get(key)
    if value is None:
        value = count()
        timeout = data_timeout()
        if timeout > 0:
            cache.set(key, value, timeout)
    return value
