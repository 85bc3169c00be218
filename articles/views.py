import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import http_date, urlencode
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from magazine.pagecache import cached_count, public_page

from .citations import link_citations
from .article_page import RELATION_NAMES, add_page_lists, published_article, with_page_data
from .forms import SearchForm
from .images import process_image
from .models import Article, Author, Category, EditorImage, Page, SlugRedirect, Tag
from .search import search_articles, search_terms, snippet
from .sharing import share_links
from .structured_data import article_json_ld

logger = logging.getLogger(__name__)


def can_preview(user):
    return user.is_active and user.is_staff and user.has_perm("articles.view_article")


# Articles skipped before a page is found in two steps (ArticleListPaginator.page).
DEEP_PAGE_OFFSET = 240


class ArticleListPaginator(Paginator):
    """
    Pages of published articles at any archive size: the list is counted once per change readers can see
    (magazine/pagecache/), not on every page view, and deep pages are found in two steps (``page``).
    """

    def __init__(self, *args, count_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name = count_name

    @cached_property
    def count(self):
        return cached_count(self.count_name, self.object_list.count)

    def page(self, number):
        """
        Past the first pages, the page's ids first (from the listing index alone on PostgreSQL, migration
        0008), then its articles: a deep page skips index entries, not whole rows with their category.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEEP_PAGE_OFFSET:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        articles = self.object_list.in_bulk(ids)
        return self._get_page([articles[pk] for pk in ids if pk in articles], number, self)


class ArticleListMixin:
    paginate_by = settings.ARTICLES_PER_PAGE
    paginator_class = ArticleListPaginator

    def get_queryset(self):
        return Article.objects.published().in_language().for_listing()

    def count_name(self):
        """Names the list for the cache of its count: each view and filter counts its own."""
        return type(self).__name__

    def get_paginator(self, *args, **kwargs):
        return super().get_paginator(*args, count_name=self.count_name(), **kwargs)


@method_decorator(public_page, name="dispatch")
class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"
    featured_count = 3

    def get_queryset(self):
        self.featured = super().get_queryset().filter(featured=True)[: self.featured_count]
        # Every page leaves them out of the list (a subquery); only the first page shows them.
        return super().get_queryset().exclude(pk__in=self.featured.values("pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["featured"] = [] if context["page_obj"].has_previous() else list(self.featured)
        return context


@method_decorator(public_page, name="dispatch")
class ArchiveView(ArticleListMixin, ListView):
    template_name = "articles/article_list.html"
    extra_context = {"heading": gettext_lazy("All articles")}


@method_decorator(public_page, name="dispatch")
class FilteredListView(ArticleListMixin, ListView):
    """An article list for one category, author or tag, named by the slug in the URL."""

    filter_model = None
    filter_field = None

    def get_queryset(self):
        self.object = get_object_or_404(self.filter_model, slug=self.kwargs["slug"])
        return super().get_queryset().filter(**{self.filter_field: self.object})

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def count_name(self):
        return f"{super().count_name()}:{self.object.pk}"


class CategoryView(FilteredListView):
    filter_model = Category
    filter_field = "category"
    template_name = "articles/category_detail.html"


class AuthorView(FilteredListView):
    filter_model = Author
    filter_field = "authors"
    template_name = "articles/author_detail.html"


class TagView(FilteredListView):
    filter_model = Tag
    filter_field = "tags"
    template_name = "articles/tag_detail.html"


class SearchView(ListView):
    template_name = "articles/search.html"
    paginate_by = 10
    canonical_params = ("q", "page")  # the canonical address of a results page (articles/templatetags/magazine.py)

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        self.form.is_valid()  # an invalid filter is left out and its error shown; the words are always valid
        self.query = self.form.cleaned_data.get("q", "")
        self.filters = self.form.filters()
        # Only the articles of the page shown are loaded.
        return search_articles(self.query, self.filters).using(
            Article.objects.select_related("category").prefetch_related("authors")
        )

    def params(self, **words):
        filters = {
            "category": self.filters.category.slug if self.filters.category else "",
            "published": self.form.cleaned_data.get("published", ""),
        }
        return {name: value for name, value in (words | filters).items() if value}

    def get_context_data(self, **kwargs):
        results = self.object_list
        context = super().get_context_data(
            form=self.form,
            query=self.query,
            has_terms=bool(search_terms(self.query)),
            capped=results.capped,
            corrected=results.corrected,
            filtered=bool(self.filters),
            # The words and valid filters, for the links to other pages of the results and to the corrected words.
            search_params=urlencode(self.params(q=self.query)),
            corrected_params=urlencode(self.params(q=results.corrected)) if results.corrected else "",
            **kwargs,
        )
        for article in context["object_list"]:
            article.snippet = snippet(article, self.query, looked_for=results.words)
        return context


@method_decorator(public_page, name="dispatch")
class ArticleDetailView(DetailView):
    """The public article page; staff who may view articles also see drafts and scheduled ones here."""

    def get_queryset(self):
        # Staff previews only (get_object): readers' articles come from published_article().
        return with_page_data(Article.objects.all())

    def get_object(self, queryset=None):
        if can_preview(self.request.user):
            article = super().get_object(queryset)
            add_page_lists(article)
            return article
        # Readers: one query on PostgreSQL (articles/article_page.py).
        article = published_article(self.kwargs["slug"])
        if article is None:
            raise Http404("No published article at this address.")
        return article

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # An address the article had before an editor changed its slug.
            moved = SlugRedirect.objects.filter(old_slug=kwargs["slug"]).values_list("article_id", flat=True).first()
            visible = Article.objects.all() if can_preview(request.user) else Article.objects.published()
            article = visible.filter(pk=moved).only("slug", "language").first() if moved else None
            if article is None:
                raise
            return HttpResponsePermanentRedirect(article.get_absolute_url())
        if self.object.language != get_language():
            # An article is at home in its own language's part of the site only (/de/articles/… for German).
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        # Each relation read once, for the page and its structured data.
        relations = {name: list(getattr(article, name).all()) for name in RELATION_NAMES}
        versions = article.language_versions
        json_ld = article_json_ld(article, self.request, relations, versions)
        body, cited = link_citations(article.body, len(relations["references"]))
        return super().get_context_data(
            related=article.related_articles,
            json_ld=json_ld,
            canonical_url=json_ld["url"],
            body=body,
            cited=cited,
            share_links=share_links(json_ld["url"], article.title),
            # The language switcher and hreflang links: the article's own versions, not the same slug elsewhere.
            language_addresses={version.language: version.get_absolute_url() for version in [article, *versions]},
            original_language=next((v.language for v in [article, *versions] if v.translation_of_id is None), None),
            **relations,
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Last-Modified"] = http_date(self.object.updated_at.timestamp())
        if not self.object.is_published():
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


@method_decorator(public_page, name="dispatch")
class PageView(DetailView):
    model = Page
    template_name = "articles/page_detail.html"

    def get_context_data(self, **kwargs):
        # The privacy notice states how long quote requests are kept as the site is configured, not as typed.
        return super().get_context_data(quote_retention_days=settings.QUOTE_RETENTION_DAYS, **kwargs)


@require_POST
def editor_upload(request):
    """Receive an image from CKEditor's upload (JSON protocol of CKEditor 4's uploadimage plugin)."""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("articles.add_editorimage")):
        return JsonResponse({"uploaded": 0, "error": {"message": "You are not allowed to upload images."}}, status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"uploaded": 0, "error": {"message": "No file was sent."}}, status=400)
    try:
        content = process_image(upload)
    except ValidationError as error:
        return JsonResponse({"uploaded": 0, "error": {"message": " ".join(error.messages)}}, status=400)
    image = EditorImage(original_name=upload.name[:255], uploaded_by=user)
    image.image.save(content.name, content, save=True)
    logger.info("Editor image %s uploaded by user %s", image.image.name, user.pk)
    return JsonResponse({"uploaded": 1, "fileName": image.image.name.rsplit("/", 1)[-1], "url": image.image.url})
