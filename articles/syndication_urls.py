"""The feeds, the sitemap and robots.txt, at the site's root and without a namespace (``feed-rss``, ``sitemap``…)."""

from django.contrib.sitemaps import views as sitemaps
from django.urls import path

from magazine.pagecache import public_page

from .feeds import ArticlesAtomFeed, ArticlesFeed
from .sitemaps import robots_txt, site_sitemaps

urlpatterns = [
    path("feeds/rss/", public_page(ArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", public_page(ArticlesAtomFeed()), name="feed-atom"),
    path("category/<slug:slug>/feeds/rss/", public_page(ArticlesFeed()), name="category-feed-rss"),
    path("category/<slug:slug>/feeds/atom/", public_page(ArticlesAtomFeed()), name="category-feed-atom"),
    path(
        "sitemap.xml",
        public_page(sitemaps.index),
        {"sitemaps": site_sitemaps(), "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", public_page(sitemaps.sitemap), {"sitemaps": site_sitemaps()}, name="sitemap-section"),
    path("robots.txt", public_page(robots_txt), name="robots-txt"),
]
