"""The site's article URLs in language-prefixed form (``/de/…``), as a translated site would have them."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

urlpatterns = i18n_patterns(path("", include("articles.urls")), prefix_default_language=False)
