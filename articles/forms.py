from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Category
from .search import MAX_QUERY_LENGTH, SearchFilters


class SearchForm(forms.Form):
    """The search page's words and filters (GET). A filter that does not validate is dropped, with its error shown."""

    PERIODS = {"month": 31, "year": 366, "five-years": 5 * 366}
    PERIOD_CHOICES = [
        ("", _("Any time")),
        ("month", _("Past month")),
        ("year", _("Past year")),
        ("five-years", _("Past five years")),
    ]

    q = forms.CharField(required=False, label=_("Search articles"))
    category = forms.ModelChoiceField(
        Category.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All sections"),
        label=_("Section"),
        error_messages={"invalid_choice": _("There is no such section: choose one from the list.")},
    )
    published = forms.ChoiceField(
        choices=PERIOD_CHOICES,
        required=False,
        label=_("Published"),
        error_messages={"invalid_choice": _("Choose a period from the list.")},
    )

    def clean_q(self):
        # Longer queries are cut, not refused: a pasted sentence still searches.
        return self.cleaned_data["q"].strip()[:MAX_QUERY_LENGTH]

    def query(self):
        return self.cleaned_data.get("q", "") if self.is_bound else ""

    def filters(self):
        """The valid filters (call after ``is_valid()``)."""
        category = self.cleaned_data.get("category")
        period = self.cleaned_data.get("published")
        since = timezone.localdate() - timedelta(days=self.PERIODS[period]) if period else None
        return SearchFilters(category=category, since=since)
