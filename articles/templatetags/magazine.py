import datetime
import json
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles.text import cut_at_word
from magazine.i18n import alternates, default_alternate, open_graph_locale
from magazine.locales import display_date, display_datetime, display_month

register = template.Library()


@register.filter
def json_ld(data):
    """Render a dict as a <script type="application/ld+json"> element."""
    # As django.utils.html.json_script: nothing in the data can close the <script> element. Three replacements
    # rather than str.translate, twenty times slower on an article's data.
    payload = (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003C")
        .replace(">", "\\u003E")
        .replace("&", "\\u0026")
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # nosec B308 B703  # <, >, & escaped


@register.filter
def iso_datetime(value):
    """The ``datetime`` attribute of a ``<time>``: a date as ``2026-05-04``, a moment to the second with its offset
    (``2026-05-04T09:30:00+02:00``, in the current time zone; no microseconds, which the HTML standard refuses)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


# The text of a ``<time>`` in the reader's language (magazine/locales.py); its ``datetime`` is ``iso_datetime``.
register.filter("display_date", display_date)
register.filter("display_datetime", display_datetime)
register.filter("display_month", display_month)


@register.filter
def description(value):
    """A meta description: one line, cut after a whole word (articles/text.py)."""
    return cut_at_word(str(value or ""))


# Of a page's query string, only what makes another page: the page number (and what a view names in
# ``canonical_params``, such as the search's words). Tracking parameters (utm_…, fbclid) never make an address.
CANONICAL_PARAMS = ("page",)


def canonical_url(request):
    """The page's canonical address: scheme, host and path, with ``page`` only past the first page."""
    view_class = getattr(getattr(request.resolver_match, "func", None), "view_class", None)
    names = getattr(view_class, "canonical_params", CANONICAL_PARAMS)
    params = []
    for name in names:
        value = request.GET.get(name, "").strip()
        if name == "page" and (not value.isdigit() or int(value) <= 1):
            continue
        if value:
            params.append((name, value))
    query = f"?{urlencode(params)}" if params else ""
    return request.build_absolute_uri(request.path) + query


class PageLanguages:
    """A page's versions in each language (magazine/i18n.py): ``all``, the ``others`` and the ``x_default``."""

    def __init__(self, request, addresses=None, original_language=None):
        canonical = canonical_url(request)
        query = canonical[canonical.index("?") :] if "?" in canonical else ""
        self.all = alternates(request, addresses, query)
        self.others = [version for version in self.all if not version.current]
        self.x_default = default_alternate(self.all, original_language)
        self.locale = open_graph_locale(get_language())
        self.other_locales = sorted({open_graph_locale(version.language) for version in self.others} - {self.locale})


def page_languages(request, addresses=None, original_language=None):
    """
    The page's versions in every language (worked out once per request: the head and the header both show them),
    or None for a page no address resolved to.
    """
    if not request or getattr(request, "resolver_match", None) is None:
        return None
    found = getattr(request, "page_languages", None)
    if found is None:
        # A template's undefined values are falsy: a page that names no addresses of its own.
        found = request.page_languages = PageLanguages(request, addresses or None, original_language or None)
    return found
