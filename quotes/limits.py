"""
Counts in the cache (Redis: across processes and machines) for the quote pages' rate limits. When the cache
cannot count (Redis unreachable: magazine/cache.py then neither adds nor increments), nothing is refused: a
patient matters more than a flood, for the minutes Redis is away (see quotes.views.rate_limited).
"""

import logging

from django.core.cache import cache

from magazine.faults import throttled_warning

logger = logging.getLogger(__name__)


def counted(key, *, window, uncountable):
    """
    One more use of ``key`` within ``window`` seconds: their number, or None when the cache cannot count (with
    the warning ``uncountable`` logged once per window).
    """
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the count expired since add(), or the cache does not answer
        if not cache.add(key, 1, timeout=window):
            throttled_warning(logger, window, uncountable)
            return None
        return 1


def uncounted(key):
    """Take back one use of ``key`` (one the site failed to handle)."""
    try:
        cache.decr(key)
    except ValueError:  # expired, or the cache does not answer: nothing to take back
        pass
