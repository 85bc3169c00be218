from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path

from magazine import errors

# The site's own error pages, which never read the request's body (magazine/errors.py).
handler400 = errors.bad_request
handler404 = errors.page_not_found
handler500 = errors.server_error


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; the static name is hashed in production.
    return HttpResponsePermanentRedirect(static_url("favicon.svg"))


# One address for the whole site: the admin, the icon, preview links, the sitemap and robots.txt.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("preview/", include("editing.urls")),
    path("", include("articles.syndication_urls")),
]
# The public pages, in every language: the site's own at the addresses they always had, the others under their
# language's code (/de/…, /ar/…; magazine/i18n.py).
urlpatterns += i18n_patterns(
    path("quote/", include("quotes.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("clinics.urls")),
    path("", include("articles.feed_urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
