"""The sitemap of published articles, categories and authors, and the robots.txt that points to it."""

from datetime import datetime, time

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .models import Article, Author, Category

ROBOTS_DISALLOW = ["/admin/", "/quote/", "/editor/"]


def latest_change(**filters):
    """When the newest published article matching ``filters`` went live or last changed (a subquery)."""
    articles = (
        Article.objects.published()
        .filter(**filters)
        .annotate(changed=Greatest("updated_at", "published_at"))
        .order_by("-changed")
    )
    return Subquery(articles.values("changed")[:1])


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_at", "last_reviewed")

    def lastmod(self, article):
        changes = [article.updated_at, article.published_at]
        if article.last_reviewed:
            changes.append(datetime.combine(article.last_reviewed, time.min, tzinfo=timezone.get_current_timezone()))
        return max(changes)


class CategorySitemap(Sitemap):
    """Categories with at least one published article; their page changes when one of those does."""

    def items(self):
        return (
            Category.objects.annotate(last_change=latest_change(category=OuterRef("pk")))
            .filter(last_change__isnull=False)
            .only("slug")
        )

    def lastmod(self, category):
        return category.last_change


class AuthorSitemap(Sitemap):
    """Authors of at least one published article."""

    def items(self):
        return (
            Author.objects.annotate(last_change=latest_change(authors=OuterRef("pk")))
            .filter(last_change__isnull=False)
            .only("slug")
        )

    def lastmod(self, author):
        return author.last_change


SITEMAPS = {"articles": ArticleSitemap, "categories": CategorySitemap, "authors": AuthorSitemap}


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
