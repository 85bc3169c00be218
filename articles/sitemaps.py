"""
The sitemap of the home page, the archive, published articles, the categories, tags and authors that have some,
the site's pages, and the robots.txt that points to it. Each page is listed in every language, with the
others as its alternates (``hreflang``) and the site language's as ``x-default``; an article is listed once, in its
own language, with its published translations as alternates.

``/sitemap.xml`` is a sitemap index: it lists one file per section, and the article section in files of
``ArticleSitemap.limit`` URLs (``/sitemap-articles.xml?p=2``), so every article is listed however large
the archive grows.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from .models import Article, Author, Category, Page, Tag

# The quote form and the patients' quote pages are not disallowed: they say "noindex" themselves, which a crawler
# reads only if it may fetch them (a disallowed page can still be indexed from links to it, without its content).
ROBOTS_DISALLOW = ["/admin/", "/editor/"]


def published_changes(group_by):
    """{value of ``group_by``: when its newest published article went live or last changed}, in one query."""
    return dict(
        Article.objects.published()
        .order_by()
        .values_list(group_by)
        .annotate(changed=Max(Greatest("content_updated_at", "published_at")))
    )


class InEveryLanguage:
    """A section whose pages exist in every language: each is listed with its alternates and x-default."""

    i18n = True
    alternates = True
    x_default = True


ARTICLE_FIELDS = ("slug", "language", "translation_of", "published_at", "content_updated_at")


class ArticleSitemap(Sitemap):
    """
    Every published article at its own address (a translation is an article of its own, in its language's part of
    the site), with its published versions in other languages as alternates.
    """

    # URLs per sitemap file (the protocol allows 50,000): each file stays quick to build and to read.
    limit = 5000

    def items(self):
        # Oldest first, so that a new article changes only the last file.
        return Article.objects.published().only(*ARTICLE_FIELDS).order_by("published_at", "pk")

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        # The versions of the file's articles, in one query.
        sources = {info["item"].source_id for info in urls}
        versions = {}
        group = Q(pk__in=sources) | Q(translation_of__in=sources)
        for version in Article.objects.published().filter(group).only(*ARTICLE_FIELDS):
            versions.setdefault(version.source_id, []).append(version)
        for info in urls:
            group = versions.get(info["item"].source_id, [])
            if len(group) < 2:
                continue
            info["alternates"] = [
                {"location": f"{protocol}://{domain}{version.get_absolute_url()}", "lang_code": version.language}
                for version in sorted(group, key=lambda version: version.language)
            ]
            default = next((v for v in group if v.language == settings.LANGUAGE_CODE), None) or next(
                (v for v in group if v.translation_of_id is None), None
            )
            if default is not None:
                info["alternates"].append(
                    {"location": f"{protocol}://{domain}{default.get_absolute_url()}", "lang_code": "x-default"}
                )
        return urls

    def lastmod(self, article):
        # What readers read last changed (Article.modified_at): not a sign-off, featuring or a save of nothing.
        return article.modified_at

    def get_latest_lastmod(self):
        # For the sitemap index: from the database, not from every article in turn.
        return Article.objects.published().aggregate(changed=Max(Greatest("content_updated_at", "published_at")))["changed"]


class LatestChangeSitemap(InEveryLanguage, Sitemap):
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


class TagSitemap(LatestChangeSitemap):
    model = Tag
    group_by = "tags"


class SectionSitemap(InEveryLanguage, Sitemap):
    """The home page and the archive: they change whenever a published article does."""

    def items(self):
        return ["articles:home", "articles:archive"]

    def location(self, name):
        return reverse(name)

    @cached_property
    def latest(self):
        return Article.objects.published().aggregate(changed=Max(Greatest("updated_at", "published_at")))["changed"]

    def lastmod(self, name):
        return self.latest

    def get_latest_lastmod(self):
        return self.latest


class PageSitemap(InEveryLanguage, Sitemap):
    """The site's standing pages (about, contact, the privacy notice, the editorial policy…)."""

    def items(self):
        return Page.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, page):
        return page.updated_at

    def get_latest_lastmod(self):
        return Page.objects.aggregate(changed=Max("updated_at"))["changed"]


SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}


def site_sitemaps():
    """
    The sections of the site's sitemap: these, then each app's own, named in its AppConfig (``sitemaps``, the
    dotted path of a dict), so that this app imports no other.
    """
    sections = dict(SITEMAPS)
    for config in apps.get_app_configs():
        if getattr(config, "sitemaps", None):
            sections.update(import_string(config.sitemaps))
    return sections


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
