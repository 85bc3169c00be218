import time
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_countries import countries

from .models import Destination, QuoteRequest, Treatment
from .records import clean_record

CONSENT_VERSION = "2026-11"
CONSENT_TEXT = _(
    "I agree that Medical Tourism Magazine may process the health information I give in this form to prepare "
    "a treatment quote, and share it only with the clinics it asks for prices. I can withdraw this consent and "
    "ask for my data to be erased at any time."
)
TOKEN_SALT = "quotes.form-token"  # nosec B105  # a signing salt (namespace), not a secret


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def cleaned_records(records):
    """The uploads of a records field checked and rewritten (quotes/records.py), or every file's error at once."""
    if len(records) > settings.QUOTE_RECORD_MAX_FILES:
        raise forms.ValidationError(
            ngettext_lazy("Attach at most %(count)s file.", "Attach at most %(count)s files.", "count"),
            code="too_many",
            params={"count": settings.QUOTE_RECORD_MAX_FILES},
        )
    errors, cleaned = [], []
    for upload in records:
        try:
            cleaned.append(clean_record(upload))
        except forms.ValidationError as error:
            errors.append(error)
    if errors:
        # A browser never fills a file input again: the files that were fine must be chosen anew too.
        errors.append(forms.ValidationError(_("Nothing has been sent yet: please choose the files to attach again."), code="attach_again"))
        raise forms.ValidationError(errors)
    return cleaned


def records_limits():
    """ "At most 5 files of 10 MB each." """
    return _("At most %(files)s files of %(megabytes)s MB each.") % {
        "files": settings.QUOTE_RECORD_MAX_FILES,
        "megabytes": settings.QUOTE_RECORD_MAX_BYTES // (1024 * 1024),
    }


def records_help_text():
    return _("Reports or scans: PDF, JPEG or PNG. %(limits)s") % {"limits": records_limits()}


OTHER_TREATMENT = "other"


class TreatmentChoiceIterator(ModelChoiceIterator):
    """The offered treatments, then "Other", after the prompt: a reader chooses, nothing is chosen for them."""

    def __iter__(self):
        yield from super().__iter__()
        yield (OTHER_TREATMENT, _("Other (describe below)"))

    def __len__(self):
        return super().__len__() + 1


class TreatmentChoiceField(forms.ModelChoiceField):
    """A treatment of the catalogue, or OTHER_TREATMENT for one the reader describes."""

    iterator = TreatmentChoiceIterator

    def to_python(self, value):
        if value == OTHER_TREATMENT:
            return OTHER_TREATMENT
        return super().to_python(value)

    def has_changed(self, initial, data):
        return str(initial or "") != str(data or "")


def new_form_token():
    return signing.dumps({"key": str(uuid.uuid4()), "t": time.time()}, salt=TOKEN_SALT)


class QuoteRequestForm(forms.ModelForm):
    treatment = TreatmentChoiceField(
        queryset=Treatment.objects.filter(is_active=True),
        label=_("Treatment"),
        empty_label=_("Choose a treatment"),
        help_text=_("Choose “Other” if your treatment is not listed."),
        error_messages={"required": _("Choose a treatment, or “Other” and describe it below.")},
    )
    destinations = forms.ModelMultipleChoiceField(
        queryset=Destination.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Preferred destinations"),
        help_text=_("Leave empty if you are open to suggestions."),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": _("We can only prepare a quote with your consent to process health information.")},
    )
    records = MultipleFileField(
        required=False,
        label=_("Medical records (optional)"),
        help_text=_("Reports or scans that help us prepare the quote: PDF, JPEG or PNG."),
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    article = forms.SlugField(widget=forms.HiddenInput, required=False, max_length=200)

    class Meta:
        model = QuoteRequest
        fields = [
            "name", "email", "phone", "country", "treatment", "treatment_other", "condition_summary",
            "destinations", "budget", "travel_window", "contact_method",
        ]  # fmt: skip
        labels = {
            "name": _("Your name"),
            "email": _("E-mail address"),
            "phone": _("Phone number (optional)"),
            "country": _("Country of residence"),
            "treatment_other": _("Other treatment"),
            "condition_summary": _("Your condition in a few words"),
            "budget": _("Budget"),
            "travel_window": _("Travel window"),
            "contact_method": _("How should we contact you?"),
        }
        help_texts = {
            "condition_summary": _(
                "What has been diagnosed and what you are looking for (at most 2,000 characters). "
                "Do not include documents here."
            ),
        }
        widgets = {
            "condition_summary": forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
            "contact_method": forms.RadioSelect,
            "budget": forms.Select,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].choices = [("", _("Choose a budget"))] + list(QuoteRequest.Budget.choices)
        self.fields["country"].choices = [("", _("Choose your country"))] + list(countries)
        self.fields["country"].error_messages["required"] = _("Choose the country you live in.")
        self.fields["travel_window"].choices = [("", _("Choose when"))] + list(QuoteRequest.TravelWindow.choices)
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["phone"].widget.attrs.update(autocomplete="tel")
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")
        self.fields["records"].help_text = f"{self.fields['records'].help_text} {records_limits()}"

    def clean_records(self):
        return cleaned_records(self.cleaned_data["records"])

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."), code="honeypot")
        return ""

    def clean_form_token(self):
        try:
            data = signing.loads(self.cleaned_data["form_token"], salt=TOKEN_SALT, max_age=settings.QUOTE_FORM_MAX_AGE)
            self.submission_key = uuid.UUID(data["key"])
            issued_at = float(data["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                _("This form has expired. Please check your details and send it again."), code="expired"
            )
        if time.time() - issued_at < settings.QUOTE_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was very quick. Please check your details, then send the form again."), code="too_fast"
            )
        return self.cleaned_data["form_token"]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("treatment") == OTHER_TREATMENT:
            cleaned_data["treatment"] = None
            if not cleaned_data.get("treatment_other", "").strip():
                self.add_error("treatment_other", forms.ValidationError(_("Describe the treatment you need here."), code="required"))
        if cleaned_data.get("contact_method") in {"phone", "whatsapp"} and not cleaned_data.get("phone"):
            self.add_error("phone", forms.ValidationError(_("Give a phone number so that we can call you."), code="required"))
        return cleaned_data


class PatientMessageForm(forms.Form):
    """What the patient writes on their quote page, with further records: checked as at intake."""

    text = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        help_text=_("A question for our team, or what you would like to tell us."),
    )
    records = MultipleFileField(required=False, label=_("Attach further medical records (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].help_text = records_help_text()

    def clean_records(self):
        return cleaned_records(self.cleaned_data["records"])

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and not cleaned_data.get("text") and not cleaned_data.get("records"):
            raise forms.ValidationError(_("Write a message or attach a file before sending."), code="empty")
        return cleaned_data
