"""
The site's languages: which language a page is in, and where the same page is in the others.

A page's language is the one its address names: ``/de/…`` is German, an address without a language prefix is
in the site's own language (``LANGUAGE_CODE``, the first of ``LANGUAGES``). Neither the browser's
``Accept-Language`` nor a cookie ever chooses it, so that an address always answers the same page to readers,
search engines and the page cache (which keys pages by their address, magazine/pagecache/), and no response
varies on ``Accept-Language``.

``alternates()`` lists a page's versions in every language (the ``hreflang`` links, the language switcher):
by default the same address in each language (``translate_url``); a page whose versions have addresses of their
own (an article and its translations) names them.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

from babel.core import get_global
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from markupsafe import Markup, escape


def address_language(path):
    """The language of the page at ``path``: its prefix (``/de/…``), else the site's language."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def language_choices():
    """The choices of a model's language field (a callable: migrations do not change with the setting)."""
    return settings.LANGUAGES


def default_language():
    return settings.LANGUAGE_CODE


def reader_language(language=None):
    """``language``, else the active one (a page's language), as one of LANGUAGES' codes."""
    language = language or translation.get_language()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def is_right_to_left(language):
    return translation.get_language_info(language)["bidi"]


@lru_cache(maxsize=64)
def open_graph_locale(language):
    """Open Graph's ``language_TERRITORY`` of a language code: "en_GB", "de_DE", "ar_EG"."""
    locale = translation.to_locale(language)
    if "_" in locale:
        return locale
    likely = get_global("likely_subtags").get(locale, locale).split("_")
    return f"{likely[0]}_{likely[-1]}" if len(likely) > 1 else locale


class AddressLanguageMiddleware:
    """
    Activates the language the address names for the request (Django's LocaleMiddleware would also read the
    browser's languages and a cookie for unprefixed addresses, and then mark every page ``Vary:
    Accept-Language``). The previous language is restored afterwards, so that no request leaves its language to
    the next one of its thread.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = address_language(request.path_info)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


@dataclass(frozen=True)
class Alternate:
    language: str
    name: str
    url: str  # absolute
    current: bool

    @property
    def right_to_left(self):
        return is_right_to_left(self.language)


def alternates(request, addresses=None, query=""):
    """
    The page's versions, one per language that has one, in the order of ``LANGUAGES``. ``addresses`` maps
    languages to the paths of the versions that exist (an article's published translations); without it every
    language has the page at the same address in its own prefix. ``query`` (``?page=2``) is added to each.
    """
    current = translation.get_language()
    found = []
    for language, name in settings.LANGUAGES:
        if addresses is None:
            path = request.path if language == current else translate_url(request.path, language)
        else:
            path = addresses.get(language)
        if path:
            found.append(Alternate(language, name, request.build_absolute_uri(path) + query, language == current))
    return found


def default_alternate(found, original_language=None):
    """The ``x-default`` of a page's versions: the site language's, else the original's, else the first."""
    for language in (settings.LANGUAGE_CODE, original_language):
        for alternate in found:
            if alternate.language == language:
                return alternate
    return found[0] if found else None


def in_page_language(url):
    """
    An address editors wrote (a site block's link, "/quote/"), in the language of the page it is shown on: a link
    to one of the site's own pages leads to that page in the reader's language ("/ar/quote/" on an Arabic page);
    any other address is left as it is.
    """
    url = url or ""
    if not url.startswith("/") or url.startswith("//"):
        return url
    # Editors write the site language's address (no prefix): it is found as that, then named in the page's language.
    language = translation.get_language()
    with translation.override(default_language()):
        return translate_url(url, language)


# A link to one of the site's pages in sanitised HTML (nh3 writes every attribute double-quoted, "&" as "&amp;").
SITE_LINK_RE = re.compile(r'(<a\b[^>]*?\shref=")(/(?!/)[^"]*)(")', re.IGNORECASE)


def links_in_page_language(html):
    """
    Sanitised HTML editors wrote (a page's body, a site block) with its links to the site's own pages leading to
    them in the page's language (``in_page_language``); nothing changes on a page in the site's language.
    """
    html = html or ""
    if translation.get_language() == default_language() or 'href="/' not in html:
        return Markup(html)  # nosec B704  # sanitised on save (nh3)

    def localised(match):
        return match.group(1) + str(escape(in_page_language(unescape(match.group(2))))) + match.group(3)

    return Markup(SITE_LINK_RE.sub(localised, str(html)))  # nosec B704  # sanitised HTML; the new addresses escaped
