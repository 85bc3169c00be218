"""Prices as a patient reads them: the currency's symbol and the separators of their locale (Babel)."""

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.core.exceptions import ValidationError

DEFAULT_LOCALE = "en_GB"


def format_money(amount, currency, locale=None, *, cents=True):
    """``Decimal("8245.50")`` in EUR: "€8,245.50" in en_GB, "8.245,50 €" in de_DE. An unknown locale reads as en_GB.
    ``cents=False`` leaves the cents out of a whole amount (a typical price: "US$8,500", "8.500 $")."""
    try:
        locale = Locale.parse(locale or DEFAULT_LOCALE)
    except (UnknownLocaleError, ValueError, TypeError):
        locale = Locale.parse(DEFAULT_LOCALE)
    amount = Decimal(amount)
    if not cents and amount == amount.to_integral_value():
        pattern = locale.currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)
    return format_currency(amount, currency, locale=locale)


def validate_locale(value):
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(
            "“%(value)s” is not a locale: write a language and region such as en_GB, de_DE or fr_FR.",
            code="bad_locale",
            params={"value": value},
        )


def negotiated_locale(accept_language):
    """The locale a browser's Accept-Language header asks for, among those Babel knows (default en_GB)."""
    wanted = []
    for part in (accept_language or "").split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and len(tag) <= 20 and quality > 0:
            wanted.append((quality, tag.replace("-", "_")))
    for _, tag in sorted(wanted, key=lambda item: -item[0]):
        try:
            locale = Locale.parse(tag)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        return str(locale)
    return DEFAULT_LOCALE
