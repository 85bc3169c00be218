"""
``reverse()`` remembered. Every public page links to the same sections, tags, authors, site pages and feeds,
and Django's ``reverse()`` walks the URL patterns each time (about 30 µs, two dozen times a page).

An address depends on the active language (``i18n_patterns`` put it in the address, and translated routes
read it), the script prefix and the URLconf. The language is read at every call, as ``reverse()`` itself
does, since a page builds addresses in other languages too (``translation.override``). The prefix and the
URLconf are kept per thread (or task) by Django and set for each request. Reading them is itself slow (asgiref's ``Local``), so a request reads them once, at its
first address: Django has set both before the view runs, and they stay the same until the response is done.
Outside a request (a management command, a test rendering a template) they are read at every call. (The site
has one URLconf: a middleware that set ``request.urlconf`` and built an address before the view would have to
use ``reverse()``.)
"""

from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# The (script prefix, URLconf) of the request being handled, once read; None outside a request.
_request_url_settings = ContextVar("request_url_settings", default=None)


@receiver(request_started, dispatch_uid="magazine.links.request_started")
def _forget_at_request_start(**kwargs):
    _request_url_settings.set({})


@receiver(request_finished, dispatch_uid="magazine.links.request_finished")
def _forget_at_request_end(**kwargs):
    _request_url_settings.set(None)


def url_settings():
    """The script prefix and URLconf that ``reverse()`` would use now."""
    memo = _request_url_settings.get()
    if memo is None:
        return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    found = memo.get("current")
    if found is None:
        found = memo["current"] = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return found


@lru_cache(maxsize=10_000)
def _reverse(viewname, kwargs, language, script_prefix, urlconf):
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def cached_reverse(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, computed once per process for each language, URLconf and script prefix."""
    return _reverse(viewname, tuple(sorted(kwargs.items())), get_language(), *url_settings())
