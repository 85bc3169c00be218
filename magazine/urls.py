from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.http import HttpResponsePermanentRedirect

from articles.feeds import ArticlesAtomFeed, ArticlesFeed
from articles.sitemaps import SITEMAPS, robots_txt
from magazine.pagecache import public_page

def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; the static name is hashed in production.
    return HttpResponsePermanentRedirect(static_url("favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("quote/", include("quotes.urls")),
    path("feeds/rss/", public_page(ArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", public_page(ArticlesAtomFeed()), name="feed-atom"),
    path("category/<slug:slug>/feeds/rss/", public_page(ArticlesFeed()), name="category-feed-rss"),
    path("category/<slug:slug>/feeds/atom/", public_page(ArticlesAtomFeed()), name="category-feed-atom"),
    path(
        "sitemap.xml",
        public_page(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", public_page(sitemaps.sitemap), {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", public_page(robots_txt), name="robots-txt"),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
