"""The sitemap and robots.txt, at the site's root in every language, without a namespace (``sitemap``…); the feeds are
in ``feed_urls``, one set per language."""

from django.contrib.sitemaps import views as sitemaps
from django.urls import path

from magazine.pagecache import public_page

from .sitemaps import robots_txt, site_sitemaps

urlpatterns = [
    path(
        "sitemap.xml",
        public_page(sitemaps.index),
        {"sitemaps": site_sitemaps(), "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", public_page(sitemaps.sitemap), {"sitemaps": site_sitemaps()}, name="sitemap-section"),
    path("robots.txt", public_page(robots_txt), name="robots-txt"),
]
