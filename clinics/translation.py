"""The directory's texts in every language (django-modeltranslation, as articles/translation.py): a clinic's
description, a destination page's title and introduction. Names, cities and countries are the same everywhere."""

from modeltranslation.translator import TranslationOptions, register

from .models import Clinic, DestinationPage


@register(Clinic)
class ClinicTranslation(TranslationOptions):
    fields = ("description",)
    empty_values = None  # an untranslated text is NULL, and reads as the site language's


@register(DestinationPage)
class DestinationPageTranslation(TranslationOptions):
    fields = ("title", "intro")
    empty_values = None
