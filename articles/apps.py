from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        from magazine import pagecache

        from .models import Article, Author, Category, Correction, Page, Reference, SiteBlock, SlugRedirect, Tag

        # What readers see: any change to these rows makes every cached public page old.
        pagecache.watch(Article, Author, Category, Correction, Page, Reference, SiteBlock, SlugRedirect, Tag)
        pagecache.schedule(Article.objects.next_visibility_change)
