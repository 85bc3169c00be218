"""The newsletter's helpers in the public pages' Jinja2 templates (``TEMPLATES`` lists this extension)."""

from jinja2.ext import Extension

from .forms import CONSENT_TEXT


class NewsletterHelpers(Extension):
    """``newsletter_consent``: the consent text the sign-up forms show, which each subscription stores as shown."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["newsletter_consent"] = CONSENT_TEXT
