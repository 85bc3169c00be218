from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from .models import LANGUAGES, Accreditation, Clinic, DestinationPage, web_address


class HttpsURLField(forms.URLField):
    """A web page's address (no ftp:); one typed without its scheme (``example.com``) is taken as https."""

    default_validators = [web_address]
    default_error_messages = {"invalid": web_address.message}

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class LanguagesWidget(FilteredSelectMultiple):
    """The admin's two-box chooser, in a wrapper of its own as the relations' choosers are, so that its label stays
    beside it."""

    def render(self, *args, **kwargs):
        return format_html('<div class="related-widget-wrapper">{}</div>', super().render(*args, **kwargs))


class ClinicForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label="Languages spoken",
        choices=LANGUAGES,
        required=False,
        widget=LanguagesWidget("languages", is_stacked=False),
        help_text="Languages in which patients are looked after.",
    )

    class Meta:
        model = Clinic
        fields = "__all__"
        field_classes = {"website": HttpsURLField}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_city(self):
        return " ".join(self.cleaned_data["city"].split())


class AccreditationForm(forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = "__all__"
        field_classes = {"certificate_url": HttpsURLField}
        # Narrow enough for a row of the clinic's inline at 1024 px.
        widgets = {
            "body_other": forms.TextInput(attrs={"size": 16}),
            "certificate_url": forms.URLInput(attrs={"size": 22, "placeholder": "https://"}),
        }

    def clean(self):
        cleaned = super().clean()
        body, other = cleaned.get("body"), cleaned.get("body_other", "").strip()
        cleaned["body_other"] = other
        if body == Accreditation.Body.OTHER and not other:
            self.add_error("body_other", ValidationError("Name the accrediting body.", code="body_other_required"))
        elif body and body != Accreditation.Body.OTHER and other:
            self.add_error(
                "body_other",
                ValidationError("Leave this empty, or choose “Other” as the body.", code="body_other_not_allowed"),
            )
        return cleaned


class DestinationPageForm(forms.ModelForm):
    class Meta:
        model = DestinationPage
        fields = "__all__"
        field_classes = {"price_source_url": HttpsURLField}

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_low"), cleaned.get("price_high")
        day, source = cleaned.get("price_date"), cleaned.get("price_source", "").strip()
        cleaned["price_source"] = source
        priced = low is not None or high is not None
        if "price_low" in self.errors or "price_high" in self.errors:
            return cleaned
        if low is not None and low < 0:
            self.add_error("price_low", ValidationError("A price cannot be negative.", code="negative_price"))
        if priced and (low is None or high is None):
            missing = "price_high" if high is None else "price_low"
            self.add_error(missing, ValidationError("Give both ends of the price range.", code="price_range_incomplete"))
        elif priced and low > high:
            self.add_error(
                "price_high",
                ValidationError("The upper end of the range is lower than the lower end.", code="price_range_inverted"),
            )
        if priced:
            if day is None and "price_date" not in self.errors:
                self.add_error("price_date", ValidationError("Give the date the prices were checked.", code="price_date_required"))
            if not source:
                self.add_error("price_source", ValidationError("Say where the prices come from.", code="price_source_required"))
        else:
            if day is not None:
                self.add_error("price_date", ValidationError("A date belongs with a price range: give one, or clear the date.", code="price_date_without_price"))
            if source:
                self.add_error("price_source", ValidationError("A source belongs with a price range: give one, or clear the source.", code="price_source_without_price"))
            if cleaned.get("price_source_url"):
                self.add_error("price_source_url", ValidationError("A source belongs with a price range: give one, or clear the link.", code="price_source_without_price"))
        if day is not None and day > timezone.localdate():
            self.add_error("price_date", ValidationError("The prices cannot have been checked in the future.", code="price_date_future"))
        return cleaned
