"""The Babel locale of the active language: how dates and numbers are written for the reader (Babel knows CLDR's
rules; Django's own formats know no month names' grammar, such as German's "4. Mai 2026")."""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation


@lru_cache(maxsize=32)
def _locale(language):
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


def reader_locale():
    """``Locale("de")`` while German is active; the site's default language's locale otherwise."""
    return _locale(translation.get_language() or settings.LANGUAGE_CODE)
