"""
The sitemap of published articles, categories and authors, and the robots.txt that points to it.

``/sitemap.xml`` is a sitemap index: it lists one file per section, and the article section in files of
``ArticleSitemap.limit`` URLs (``/sitemap-articles.xml?p=2``), so every article is listed however large
the archive grows.
"""

from datetime import datetime, time

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from clinics.sitemaps import ClinicSitemap, DestinationSitemap

from .models import Article, Author, Category

ROBOTS_DISALLOW = ["/admin/", "/quote/", "/editor/"]


def published_changes(group_by):
    """{value of ``group_by``: when its newest published article went live or last changed}, in one query."""
    return dict(
        Article.objects.published()
        .order_by()
        .values_list(group_by)
        .annotate(changed=Max(Greatest("updated_at", "published_at")))
    )


class ArticleSitemap(Sitemap):
    # URLs per sitemap file (the protocol allows 50,000): each file stays quick to build and to read.
    limit = 5000

    def items(self):
        # Oldest first, so that a new article changes only the last file.
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at", "last_reviewed")
            .order_by("published_at", "pk")
        )

    def lastmod(self, article):
        changes = [article.updated_at, article.published_at]
        if article.last_reviewed:
            changes.append(datetime.combine(article.last_reviewed, time.min, tzinfo=timezone.get_current_timezone()))
        return max(changes)

    def get_latest_lastmod(self):
        # For the sitemap index: from the database, not from every article in turn.
        latest = Article.objects.published().aggregate(
            changed=Max(Greatest("updated_at", "published_at")), reviewed=Max("last_reviewed")
        )
        if latest["changed"] is None:
            return None
        reviewed = latest["reviewed"]
        if reviewed is None:
            return latest["changed"]
        return max(latest["changed"], datetime.combine(reviewed, time.min, tzinfo=timezone.get_current_timezone()))


class LatestChangeSitemap(Sitemap):
    """Pages of ``model`` with at least one published article; a page changes when one of those does."""

    model = None
    group_by = None

    @cached_property
    def changes(self):
        return published_changes(self.group_by)

    def items(self):
        items = list(self.model.objects.filter(pk__in=list(self.changes)).only("slug").order_by("pk"))
        for item in items:
            item.last_change = self.changes[item.pk]
        return items

    def lastmod(self, item):
        return item.last_change

    def get_latest_lastmod(self):
        return max(self.changes.values(), default=None)


class CategorySitemap(LatestChangeSitemap):
    model = Category
    group_by = "category"


class AuthorSitemap(LatestChangeSitemap):
    model = Author
    group_by = "authors"


SITEMAPS = {"articles": ArticleSitemap, "categories": CategorySitemap, "authors": AuthorSitemap}
SITEMAPS.update({"clinics": ClinicSitemap, "destinations": DestinationSitemap})


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
