from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import DetailView

from articles.article_page import add_page_lists, with_page_data
from articles.models import Article
from articles.views import ArticleDetailView
from magazine.ratelimit import client_ip

from .services import open_preview_link

NO_INDEX = "noindex, nofollow"


def private_response(response):
    """Never kept by a browser, a proxy or the page cache, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    response["X-Robots-Tag"] = NO_INDEX
    return response


class SharedPreviewView(ArticleDetailView):
    """
    An article as readers will see it (the article page's template and data), for whoever holds a preview link
    an editor made: marked as a preview, never indexed, never cached (the view is not a ``public_page``), every
    opening logged. An expired or revoked link answers 410, an unknown one 404.
    """

    def dispatch(self, request, *args, **kwargs):
        # DetailView's own dispatch: the article page's public_page (the page cache) is left out.
        return private_response(DetailView.dispatch(self, request, *args, **kwargs))

    def get(self, request, *args, **kwargs):
        link, outcome = open_preview_link(
            token=kwargs["token"], address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
        )
        if link is None:
            return render(request, "editing/preview_unavailable.html", {"reason": "unknown"}, status=404)
        if outcome != "shown":
            return render(request, "editing/preview_unavailable.html", {"reason": outcome, "link": link}, status=410)
        self.link = link
        self.object = self.get_object()
        # The article's page as in its own language's part of the site, whatever the preview's address.
        with translation.override(self.object.language):
            return self.render_to_response(self.get_context_data(object=self.object)).render()

    def get_object(self, queryset=None):
        article = with_page_data(Article.objects.all()).get(pk=self.link.article_id)
        add_page_lists(article)
        return article

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_link=self.link, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        return DetailView.render_to_response(self, context, **response_kwargs)
