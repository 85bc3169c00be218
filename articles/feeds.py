"""RSS 2.0 and Atom feeds of the latest published articles, for the whole site or one category."""

import hashlib
import mimetypes

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import get_text_list

from .models import Article, Category

FEED_LENGTH = 20
# A stored image never changes under its name (a new upload gets a new name).
ENCLOSURE_LENGTH_SECONDS = 60 * 60 * 24 * 30


class ArticlesFeed(Feed):
    """The latest published articles; with a category slug in the URL, only that category's."""

    def get_object(self, request, slug=None):
        return get_object_or_404(Category, slug=slug) if slug is not None else None

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Item methods don't get the request, and Django makes item links absolute but not enclosures.
        domain = get_current_site(request).domain
        for item in feed.items:
            for enclosure in item["enclosures"]:
                enclosure.url = add_domain(domain, enclosure.url, request.is_secure())
        return feed

    def title(self, category):
        return f"{settings.MAGAZINE_NAME}: {category.name}" if category else settings.MAGAZINE_NAME

    def link(self, category):
        return category.get_absolute_url() if category else reverse("articles:home")

    def description(self, category):
        if category and category.description:
            return category.description
        topic = f"{category.name} articles" if category else "articles"
        return f"The latest medically reviewed {topic} from {settings.MAGAZINE_NAME}."

    def subtitle(self, category):
        # Atom's name for the description; RSS ignores it.
        return self.description(category)

    def author_name(self):
        # Atom requires an author on the feed or on every entry.
        return settings.MAGAZINE_NAME

    def items(self, category):
        articles = Article.objects.published().in_language().for_listing().prefetch_related("tags")
        if category:
            articles = articles.filter(category=category)
        return articles[:FEED_LENGTH]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # Readers treat the description (RSS) and the summary (Atom) as HTML; the standfirst is plain text.
        return escape(article.standfirst)

    def item_author_name(self, article):
        return get_text_list([author.name for author in article.authors.all()], "and") or None

    def item_categories(self, article):
        return [article.category.name, *(tag.name for tag in article.tags.all())]

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        # When what readers read last changed (a scheduled article was last changed before it went live).
        return article.modified_at

    def item_enclosure_url(self, article):
        return article.hero_image.url if article.hero_image else None

    def item_enclosure_length(self, article):
        # Asked of the storage once per image, not on every feed: on S3 each answer is a request.
        key = "enclosure-length:" + hashlib.sha256(article.hero_image.name.encode()).hexdigest()
        length = cache.get(key)
        if length is None:
            try:
                length = article.hero_image.size
            except OSError:  # missing from storage: 0 means "unknown" to feed readers
                return 0
            cache.set(key, length, ENCLOSURE_LENGTH_SECONDS)
        return length

    def item_enclosure_mime_type(self, article):
        return mimetypes.guess_type(article.hero_image.name)[0] or "application/octet-stream"


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed
