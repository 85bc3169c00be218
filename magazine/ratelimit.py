"""
The forms' rate limit: how many times an address sent a form within a window, counted in the cache (Redis:
across processes and machines).

It fails open. When the cache cannot count (Redis unreachable: magazine/cache.py then neither adds nor
increments), forms are let through, with a log line once per window: what a form brings (a patient's request,
a reader's sign-up) matters more than a flood for the minutes Redis is away, and counting in the database
instead would write every sender's address to it on every form.
"""

import logging

from django.conf import settings
from django.core.cache import cache

from magazine.faults import throttled_warning

logger = logging.getLogger(__name__)


def client_ip(request):
    # Behind nginx, REMOTE_ADDR is nginx itself: trust its X-Real-IP, but only when told the site runs behind
    # such a proxy (the header is forged at will by anyone who reaches the application directly).
    if settings.TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"][:64]
    return request.META.get("REMOTE_ADDR", "unknown")


def counted(key, *, window, uncountable, log=logger):
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
            throttled_warning(log, window, uncountable)
            return None
        return 1


def uncounted(key):
    """Take back one use of ``key`` (one the site failed to handle)."""
    try:
        cache.decr(key)
    except ValueError:  # expired, or the cache does not answer: nothing to take back
        pass


def over_limit(request, *, scope, limit, window, label, log=logger):
    """
    Whether the request's address has sent more than ``limit`` forms of ``scope`` within ``window`` seconds,
    this one included. The first refusal of an address in a window is logged, not the ones after it. ``label``
    names the limit in the line logged while the cache cannot count ("The quote forms' rate limit").
    """
    address = client_ip(request)
    count = counted(f"{scope}:{address}", window=window, uncountable=f"{label} cannot be counted: letting forms through.", log=log)
    if count is None:
        return False
    if count == limit + 1:
        log.warning("%s sent more than %d forms within %d s: refusing the next ones in this window.", address, limit, window)
    return count > limit


def uncount(request, *, scope):
    """Take back the count of a form the site failed to save: sending it again is not refused for it."""
    uncounted(f"{scope}:{client_ip(request)}")
