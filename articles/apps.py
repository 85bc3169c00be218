from django.apps import AppConfig

ALL = ("add", "change", "delete", "view")


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    # What each staff group may do with this app's models (manage.py setup_groups).
    staff_permissions = {
        "Editors": {
            "article": ALL,
            "reference": ALL,
            "author": ALL,
            "category": ALL,
            "tag": ALL,
            "editorimage": ALL,
            "siteblock": ("change", "view"),
            "page": ALL,
            "correction": ALL,
            "slugredirect": ALL,
            "auditevent": ("view",),
        },
        "Medical reviewers": {
            "article": ("change", "view", "review"),
            "reference": ALL,
            "correction": ALL,
            "auditevent": ("view",),
            "author": ("view",),
            "category": ("view",),
            "tag": ("view",),
        },
    }

    def ready(self):
        from magazine import pagecache

        from .models import (
            Article,
            Author,
            Category,
            Correction,
            EditorImage,
            Page,
            Reference,
            SiteBlock,
            SlugRedirect,
            Tag,
        )

        # What readers see: any change to these rows makes every cached public page old. (A library image's alt
        # text and focal point are read by the pages that show it.)
        pagecache.watch(Article, Author, Category, Correction, Page, Reference, SiteBlock, SlugRedirect, Tag)
        pagecache.watch(EditorImage)
        pagecache.schedule(Article.objects.next_visibility_change)
