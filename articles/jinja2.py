"""The articles' helpers in the public pages' Jinja2 templates (``TEMPLATES`` lists this extension)."""

from jinja2.ext import Extension

from .templatetags.images import picture, responsive_body
from .typography import smarten
from .templatetags.magazine import (
    canonical_url, description, display_date, display_datetime, display_month, iso_datetime, json_ld, page_languages,
)  # fmt: skip


class ArticleHelpers(Extension):
    """``picture(...)``, ``canonical(request)``, ``page_languages(request)``, ``|responsive_body``, ``|json_ld``,
    ``|iso_datetime``, ``|display_date`` (and ``_datetime``, ``_month``), ``|description`` and ``|smarten``: the same functions
    as the template tag libraries."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.globals.update(picture=picture, canonical=canonical_url, page_languages=page_languages)
        environment.filters.update(
            description=description,
            display_date=display_date,
            display_datetime=display_datetime,
            display_month=display_month,
            iso_datetime=iso_datetime,
            json_ld=json_ld,
            responsive_body=responsive_body,
            smarten=smarten,
        )
