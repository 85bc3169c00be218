from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.caching import public_page
from articles.feeds import ArticlesAtomFeed, ArticlesFeed
from articles.sitemaps import SITEMAPS, robots_txt

admin.site.site_header = f"{settings.MAGAZINE_NAME} administration"
admin.site.site_title = settings.MAGAZINE_NAME
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("quote/", include("quotes.urls")),
    path("feeds/rss/", public_page(ArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", public_page(ArticlesAtomFeed()), name="feed-atom"),
    path("category/<slug:slug>/feeds/rss/", public_page(ArticlesFeed()), name="category-feed-rss"),
    path("category/<slug:slug>/feeds/atom/", public_page(ArticlesAtomFeed()), name="category-feed-atom"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public_page(robots_txt), name="robots-txt"),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
