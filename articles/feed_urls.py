"""The feeds of the site and of each category, without a namespace (``feed-rss``…), one set per language."""

from django.urls import path

from magazine.pagecache import public_page

from .feeds import ArticlesAtomFeed, ArticlesFeed

urlpatterns = [
    path("feeds/rss/", public_page(ArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", public_page(ArticlesAtomFeed()), name="feed-atom"),
    path("category/<slug:slug>/feeds/rss/", public_page(ArticlesFeed()), name="category-feed-rss"),
    path("category/<slug:slug>/feeds/atom/", public_page(ArticlesAtomFeed()), name="category-feed-atom"),
]
