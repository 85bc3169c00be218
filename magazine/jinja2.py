"""
The Jinja2 environment of the public pages (``templates/jinja2/``, the ``TEMPLATES`` setting).

Jinja2 renders them because the Django template language cost most of an uncached article page's time.
The admin, the e-mails and form widgets stay on the Django template language. Apps add their own helpers as
Jinja2 extensions listed in the ``TEMPLATES`` setting (``articles.jinja2.ArticleHelpers``).

Interface strings are marked with ``{{ _("…") }}`` (placeholders as keywords: ``_("Page %(number)s",
number=n)``, which escapes them) or ``{% trans %}``; Django's translation functions answer them, so the catalogues
in ``locale/`` serve Python code and templates alike (``make messages``).
"""

import datetime
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static as static_url
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import DateFormat, TimeFormat, re_escaped, re_formatchars
from django.utils import translation
from django.utils.formats import FORMAT_SETTINGS, localize
from jinja2 import Environment

from magazine.i18n import in_page_language, links_in_page_language
from magazine.links import cached_reverse


def url(viewname, *args, **kwargs):
    """``{{ url("articles:category", slug=category.slug) }}``, as ``{% url %}`` in a Django template. Addresses
    named by keyword are reversed once per process (magazine/links.py): the site shell's are on every page."""
    if args:
        return reverse(viewname, args=args, kwargs=kwargs)
    return cached_reverse(viewname, **kwargs)


@lru_cache(maxsize=None)
def static(path):
    """``{{ static("css/site.css") }}``: the (hashed) address of a static file, looked up once per process."""
    return static_url(path)


@receiver(setting_changed)
def forget_static_addresses(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG", "INSTALLED_APPS"}:
        static.cache_clear()


def now(format_string):
    """``{{ now("Y") }}``, as ``{% now "Y" %}``."""
    tzinfo = timezone.get_current_timezone() if settings.USE_TZ else None
    return date(datetime.datetime.now(tz=tzinfo), format_string)


@lru_cache(maxsize=256)
def _date_format(format_string):
    """A date format's pieces, ``(text, is_format_character)``, found once (Django's ``Formatter.format`` splits
    the format string with a regular expression at each call)."""
    pieces = []
    for i, piece in enumerate(re_formatchars.split(format_string)):
        if i % 2:
            pieces.append((piece, True))
        elif piece:
            pieces.append((re_escaped.sub(r"\1", piece), False))
    return tuple(pieces)


def date(value, format_string=None):
    """Django's ``|date``, which shows an aware datetime in the current time zone. A format written in the
    template is parsed once per process; named formats ("DATE_FORMAT") and other values take Django's path."""
    if value in (None, ""):
        return ""
    value = timezone.template_localtime(value)
    if not format_string or format_string in FORMAT_SETTINGS or not isinstance(value, datetime.date):
        return defaultfilters.date(value, format_string)
    pieces = _date_format(str(format_string))
    if type(value) is datetime.date and any(code and hasattr(TimeFormat, piece) for piece, code in pieces):
        return defaultfilters.date(value, format_string)  # Django's error for a time format on a date
    formatter = DateFormat(value)
    return "".join(str(getattr(formatter, piece)()) if code else piece for piece, code in pieces)


def finalize(value):
    """Every printed value, as the Django template language prints it: numbers and dates formatted for the
    language (a ``Decimal("1E+1")`` is 10), datetimes in the current time zone."""
    if isinstance(value, str):
        return value
    return localize(timezone.template_localtime(value))


def html_lang():
    """``<html lang>``: the active language, without a region (the site's languages are en, de and ar)."""
    return translation.get_language().split("-")[0]


def text_direction():
    """``<html dir>``: "rtl" for a language written right to left (Arabic), else "ltr"."""
    return "rtl" if translation.get_language_bidi() else "ltr"


def mid_sentence(name):
    """A name inside a sentence ("About stem cell therapy"): lower case in English; German capitalises its nouns
    and Arabic has no case, so they keep the name as written."""
    return name.lower() if translation.get_language().startswith("en") else name


@lru_cache(maxsize=20_000)
def _translated(language, message):
    return translation.gettext(message)


def gettext(message):
    """``gettext(message)`` in the active language, each answer remembered: a page asks for a few dozen strings, and
    Django's own walks its catalogues' fallbacks each time. The catalogues never change in a running process."""
    return _translated(translation.get_language(), message)


@receiver(setting_changed)
def forget_translations(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:  # as Django's own catalogues
        _translated.cache_clear()


def environment(**options):
    # Pages show text that editors, readers and patients wrote: escaping is always on, whatever the options say.
    options.pop("autoescape", None)
    extensions = ["jinja2.ext.i18n", *options.pop("extensions", [])]
    env = Environment(autoescape=True, finalize=finalize, extensions=extensions, **options)
    # Whitespace inside {% trans %} is collapsed, as in the catalogues (babel.cfg says the same to extraction).
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(
        gettext=gettext, ngettext=translation.ngettext, pgettext=translation.pgettext,
        npgettext=translation.npgettext, newstyle=True,
    )  # fmt: skip
    env.globals.update(
        static=static, url=url, now=now,
        html_lang=html_lang, text_direction=text_direction,
    )  # fmt: skip
    env.filters.update(
        date=date,
        in_page_language=in_page_language,  # an address editors wrote, in the page's language
        links_in_page_language=links_in_page_language,  # the site's links of HTML editors wrote, likewise
        linebreaks=defaultfilters.linebreaks_filter,
        mid_sentence=mid_sentence,  # escapes the text itself, then marks it safe
        pluralize=defaultfilters.pluralize,
        truncatewords=defaultfilters.truncatewords,
        urlencode=defaultfilters.urlencode,
    )
    return env
