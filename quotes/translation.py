"""The treatment catalogue's names and notes in every language (django-modeltranslation, as articles/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Treatment


@register(Treatment)
class TreatmentTranslation(TranslationOptions):
    fields = ("name", "description", "caution_note")
    empty_values = None  # an untranslated text is NULL (unique names stay unique), and reads as the site language's
