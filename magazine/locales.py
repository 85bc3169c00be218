"""Dates as the reader writes them, in the active language, by Babel (CLDR's patterns: Django's own formats have
no "4. Mai 2026"). Pages show them through the ``|display_date`` filters (articles/templatetags/magazine.py), the
text of a ``<time>`` whose ``datetime`` is ``|iso_datetime``; messages to patients call them too."""

import datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from django.conf import settings
from django.utils import timezone, translation


@lru_cache(maxsize=32)
def _locale(language):
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


def reader_locale():
    """``Locale("de")`` while German is active; the site's default language's locale otherwise."""
    return _locale(translation.get_language() or settings.LANGUAGE_CODE)


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def display_date(value):
    """The text of a ``<time>``: the day in the reader's language, "4 May 2026", "4. Mai 2026", "4 مايو 2026"
    (a moment's day in the current time zone)."""
    if value in (None, ""):
        return ""
    return format_date(_local(value), "long", locale=reader_locale())


def display_datetime(value):
    """A moment in the reader's language: "4 May 2026, 14:30", "4. Mai 2026, 14:30"."""
    if value in (None, ""):
        return ""
    value, locale = _local(value), reader_locale()
    when = format_date(value, "long", locale=locale), format_time(value, "short", locale=locale)
    return locale.datetime_formats["medium"].format(when[1], when[0])


def display_month(value):
    """A month in the reader's language: "May 2026", "Mai 2026"."""
    if value in (None, ""):
        return ""
    return format_skeleton("yMMMM", _local(value), locale=reader_locale())
