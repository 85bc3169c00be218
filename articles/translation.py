"""
The texts of categories, tags, pages and site blocks in every language (django-modeltranslation): each field has
a column per language (``name_de``…); reading ``category.name`` gives the page language's text, or the site
language's where none was written. Articles are not here: a translation is an article of its own.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Page, SiteBlock, Tag


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None  # an untranslated text is NULL (unique names stay unique), and reads as the site language's


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None  # an untranslated text is NULL (unique names stay unique), and reads as the site language's


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
    empty_values = None  # an untranslated text is NULL (unique names stay unique), and reads as the site language's


@register(SiteBlock)
class SiteBlockTranslation(TranslationOptions):
    fields = ("title", "body", "link_text")
    empty_values = None  # an untranslated text is NULL (unique names stay unique), and reads as the site language's
