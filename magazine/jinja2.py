"""
The Jinja2 environment of the public pages (``templates/jinja2/``, the ``TEMPLATES`` setting).

Jinja2 renders them because the Django template language cost most of an uncached article page's time.
The admin, the e-mails and form widgets stay on the Django template language; the magazine's template
helpers are the same functions as its template tag libraries (``articles/templatetags/``).
"""

from datetime import datetime

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from jinja2 import Environment

from articles.templatetags.images import picture, responsive_body
from articles.templatetags.magazine import json_ld
from magazine.links import cached_reverse


def url(viewname, *args, **kwargs):
    """``{{ url("articles:category", slug=category.slug) }}``, as ``{% url %}`` in a Django template. Addresses
    named by keyword are reversed once per process (magazine/links.py): the site shell's are on every page."""
    if args:
        return reverse(viewname, args=args, kwargs=kwargs)
    return cached_reverse(viewname, **kwargs)


def now(format_string):
    """``{{ now("Y") }}``, as ``{% now "Y" %}``."""
    tzinfo = timezone.get_current_timezone() if settings.USE_TZ else None
    return defaultfilters.date(datetime.now(tz=tzinfo), format_string)


def date(value, format_string=None):
    """Django's ``|date``, which shows an aware datetime in the current time zone."""
    return defaultfilters.date(timezone.template_localtime(value), format_string)


def finalize(value):
    """Every printed value, as the Django template language prints it: numbers and dates formatted for the
    language (a ``Decimal("1E+1")`` is 10), datetimes in the current time zone."""
    if isinstance(value, str):
        return value
    return localize(timezone.template_localtime(value))


def environment(**options):
    # Pages show text that editors, readers and patients wrote: escaping is always on, whatever the options say.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, finalize=finalize, **options)
    env.globals.update(static=static, url=url, now=now, picture=picture)
    env.filters.update(
        date=date,
        json_ld=json_ld,
        linebreaks=defaultfilters.linebreaks_filter,  # escapes the text itself, then marks it safe
        pluralize=defaultfilters.pluralize,
        responsive_body=responsive_body,
        truncatewords=defaultfilters.truncatewords,
        urlencode=defaultfilters.urlencode,
    )
    return env
