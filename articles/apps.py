from django.apps import AppConfig

ALL = ("add", "change", "delete", "view")


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    admin_desk = "articles.dashboard.desk"  # its part of the admin's index page

    # What each staff group may do with this app's models (manage.py setup_groups).
    staff_permissions = {
        "Editors": {
            "article": (*ALL, "publish"),
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
            "searchsynonym": ALL,
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
        from django.db.models.signals import post_save

        from magazine import pagecache

        from . import library, search
        from .models import (
            Article,
            Author,
            Category,
            Correction,
            EditorImage,
            Page,
            Reference,
            SearchSynonym,
            SiteBlock,
            SlugRedirect,
            Tag,
        )

        # What readers see: any change to these rows makes every cached public page old. (A library image's alt
        # text and focal point are read by the pages that show it.)
        pagecache.watch(
            Article, Author, Category, Correction, EditorImage, Page, Reference, SearchSynonym, SiteBlock, SlugRedirect, Tag
        )
        # Where each image of the media library is used, recorded with every save of an article.
        post_save.connect(library.record_saved_image_uses, sender=Article, dispatch_uid="media-library-uses")
        # The words of titles and names, for correcting misspelt searches.
        for model in (Article, Category, Tag):
            post_save.connect(search.remember_saved_words, sender=model, dispatch_uid=f"search-words-{model.__name__}")
        pagecache.schedule(Article.objects.next_visibility_change)
