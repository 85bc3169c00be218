from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# The consent a reader gives, shown beside the box they tick and stored with their subscription as shown. A new
# wording gets a new version: what each subscriber agreed to stays what they read (stored in the language they
# read it in; its translations are of the same version).
CONSENT_VERSION = "2026-12"
CONSENT_TEXT = _(
    "Send me the weekly newsletter of new articles. I can unsubscribe at any time with the link in every "
    "e-mail; my address is used for nothing else."
)


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, such as name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Tick the box to agree to receive the newsletter.")},
    )
    # The page the form was on: a path of this site, or nothing.
    source = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_source(self):
        source = self.cleaned_data.get("source", "")
        if source.startswith("/") and url_has_allowed_host_and_scheme(source, allowed_hosts=None):
            return source
        return ""
