"""
The medical review screen's reading: what changed since the last signed-off version (the diff of
django-reversion-compare over the revisions of django-reversion), and the reviewer's form.
"""

import json
import posixpath
import re
from html import escape, unescape
from urllib.parse import urlsplit

from django import forms
from reversion.models import Version
from reversion_compare.helpers import html_diff

from .models import AuditEvent, content_fingerprint
from .templatetags.images import IMG_RE, _attributes

# How far back in an article's history the last signed-off version is looked for.
HISTORY_DEPTH = 200
BLOCK_END_RE = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|pre|tr|dt|dd)>|<br\s*/?>", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]*>")
BLANK_LINES_RE = re.compile(r"\n\s*\n+")


class ReviewForm(forms.Form):
    SIGN_OFF = "sign_off"
    REQUEST_CHANGES = "request_changes"

    comment = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Required when you ask for changes: it goes to the author. Kept with a sign-off in the history.",
    )
    outcome = forms.ChoiceField(choices=[(SIGN_OFF, "Sign off"), (REQUEST_CHANGES, "Request changes")])
    # The version the reviewer read: a sign-off of a text that changed meanwhile is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["version"].initial = article.version

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("version") is not None and cleaned_data["version"] != self.article.version:
            raise forms.ValidationError(
                "The article was changed while you were reviewing it: nothing was recorded. Read the new version "
                "below and decide again.",
                code="stale_review",
            )
        if cleaned_data.get("outcome") == self.REQUEST_CHANGES and not cleaned_data.get("comment", "").strip():
            self.add_error(
                "comment", forms.ValidationError("Say what should change: the author needs your comment.", code="required")
            )
        return cleaned_data


def readable_text(html):
    """
    Sanitised HTML as text, a line for each paragraph, heading, list item or image: what a reviewer compares. An
    image is its alt text and file name, so that a photo swapped or described differently shows in the diff (the
    sign-off covers the body's images too).
    """
    text = IMG_RE.sub(_image_line, html or "")
    text = BLOCK_END_RE.sub("\n", text)
    text = unescape(TAG_RE.sub("", text))
    return BLANK_LINES_RE.sub("\n", text).strip()


def _image_line(match):
    attributes = _attributes(match.group(1))
    alt = " ".join(attributes.get("alt", "").split()) or "no alt text"
    name = posixpath.basename(urlsplit(attributes.get("src", "")).path) or "no address"
    return "\n" + escape(f"[Image: {alt} ({name})]") + "\n"  # unescaped again with the rest of the text


def last_signed_off_version(article):
    """The newest revision of ``article`` holding the title and body its reviewer signed off, or None."""
    if not article.signed_off_content:
        return None
    versions = Version.objects.get_for_object(article).select_related("revision")[:HISTORY_DEPTH]
    for version in versions:
        try:
            fields = json.loads(version.serialized_data)[0]["fields"]
        except (ValueError, LookupError, TypeError):
            continue
        if content_fingerprint(fields.get("title", ""), fields.get("body", "")) == article.signed_off_content:
            return version
    return None


def review_context(article):
    """What the review screen shows of ``article``."""
    signed_off = last_signed_off_version(article)
    if signed_off is not None:
        fields = json.loads(signed_off.serialized_data)[0]["fields"]
        old_title, old_body = fields.get("title", ""), fields.get("body", "")
    else:
        old_title = old_body = ""
    new_body = readable_text(article.body)
    return {
        "article": article,
        "signed_off_version": signed_off,
        "never_signed_off": not article.signed_off_content,
        "title_changed": old_title != article.title,
        "body_changed": readable_text(old_body) != new_body,
        "title_diff": html_diff(old_title, article.title),
        "body_diff": html_diff(readable_text(old_body), new_body),
        "references": list(article.references.all()),
        "events": list(
            AuditEvent.objects.filter(article=article).select_related("user").order_by("-at", "-pk")[:10]
        ),
    }
