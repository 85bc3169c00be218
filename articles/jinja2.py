"""The articles' helpers in the public pages' Jinja2 templates (``TEMPLATES`` lists this extension)."""

from jinja2.ext import Extension

from .templatetags.images import picture, responsive_body
from .templatetags.magazine import json_ld


class ArticleHelpers(Extension):
    """``picture(...)``, ``|responsive_body`` and ``|json_ld``: the same functions as the template tag libraries."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["picture"] = picture
        environment.filters.update(json_ld=json_ld, responsive_body=responsive_body)
