import reversion
from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.forms.widgets import Media
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil
from modeltranslation.admin import TranslationAdmin
from reversion_compare.admin import CompareVersionAdmin

from editing.admin import ArticleEditorToolsMixin
from editing.checks import blocking_problems
from magazine.admin_site import NeedToKnowAdminMixin, ReadOnlyAdminMixin, run_bulk_action
from magazine.i18n import is_right_to_left

from .images import process_image
from .models import (
    Article,
    AuditEvent,
    Author,
    Category,
    Correction,
    EditorImage,
    ImageUse,
    Page,
    Reference,
    ReviewDueArticle,
    SearchSynonym,
    SiteBlock,
    SlugRedirect,
    Tag,
)
from .renditions import rendition_url
from .review import ReviewForm, review_context
from .services import (
    Before,
    may_publish,
    note_reader_changes,
    publication_outcome,
    publish,
    request_changes,
    save_edit,
    save_library_image,
    sign_off,
    start_translation,
    translation_languages,
    unpublish,
)
from .translations import translation_report

# The media library's thumbnails and the focal point picker's image, in pixels wide.
THUMBNAIL_WIDTH = 240
PICKER_WIDTH = 800


class RichTextWidget(CKEditorWidget):
    """CKEditor with uploads sent to our own staff-only, CSRF-protected view."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        upload_url = reverse_lazy("articles:editor-upload")
        self.config["uploadUrl"] = upload_url
        self.config["filebrowserUploadUrl"] = upload_url
        self.config["filebrowserUploadMethod"] = "xhr"
        # The editing area shows the body as the article page does: an image no wider than the text.
        self.config["contentsCss"] = [
            static("ckeditor/ckeditor/contents.css"),  # CKEditor's own, which a list of stylesheets replaces
            static("articles/editor-content.css"),
        ]

    @property
    def media(self):
        # One ordered list: the upload hook needs CKEditor loaded first (adding two Media objects
        # would let Django put it before ckeditor.js).
        editor = super().media
        return Media(css=editor._css, js=[*editor._js, "articles/editor-upload.js"])


class RichTextAdminMixin:
    """The rich-text editor for the ``rich_text_fields`` of a model's admin form (sanitised by the model's save())."""

    rich_text_fields = ("body",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A translated field's columns (``body_de``…, django-modeltranslation) are edited as the field is.
        if getattr(db_field, "translated_field", db_field).name in self.rich_text_fields:
            kwargs["widget"] = RichTextWidget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ImageUploadMixin:
    """Re-encodes uploaded images (size, pixel and format checks; metadata stripped)."""

    image_fields = ()

    def _post_clean(self):
        for name in self.image_fields:
            upload = self.cleaned_data.get(name)
            if upload and name in self.changed_data:
                try:
                    self.cleaned_data[name] = process_image(upload)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        super()._post_clean()


class ArticleAdminForm(ImageUploadMixin, forms.ModelForm):
    """
    The article's form. Its status is not a field: the button pressed (``_action``: save, submit, publish or
    unpublish, WORKFLOW_ACTIONS) decides it, and a refused action is a non-field error (shown at the top).
    ``ArticleAdmin.get_form`` gives the form the action and the user.
    """

    image_fields = ("hero_image",)
    # The version the editor started from: a save on top of someone else's newer save is refused.
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workflow_action = "save"
    user = None

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"].initial = self.instance.version
        if "language" in self.fields:
            # A callable default makes Django compare the language with a hidden copy of its first value; the
            # stored value is what an edit changes or not (``changes``).
            self.fields["language"].show_hidden_initial = False
        # The article as it was before this edit (ArticleAdmin.get_object locked its row for a save).
        self.before = Before.of(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        self._check_version(cleaned_data.get("edit_version"))
        if cleaned_data.get("hero_image") and not cleaned_data.get("hero_alt"):
            self.add_error("hero_alt", forms.ValidationError("Describe the hero image for readers who cannot see it.", code="required"))
        kept = self.before.status if self.before else Article.Status.DRAFT
        if self.workflow_action in ("submit", "publish") or (
            self.workflow_action == "save" and kept in (Article.Status.IN_REVIEW, Article.Status.PUBLISHED)
        ):
            # Review and publication need what readers who cannot see the images need (a draft may be saved).
            for problem in blocking_problems(cleaned_data.get("body", "")):
                self.add_error("body", forms.ValidationError(problem, code="image_alt_required"))
        reviewer, reviewed = cleaned_data.get("medical_reviewer"), cleaned_data.get("last_reviewed")
        if reviewer and not reviewed:
            self.add_error("last_reviewed", forms.ValidationError("Give the date of the medical review.", code="required"))
        if reviewed and not reviewer:
            self.add_error("medical_reviewer", forms.ValidationError("Choose who reviewed the article.", code="required"))
        return cleaned_data

    def workflow_refusals(self):
        """What the review and publication rules found against this form's action (said at the top of the page)."""
        body_errors = self.errors.as_data().get("body", []) if self.is_bound else []
        return [message for error in body_errors if error.code == "image_alt_required" for message in error.messages]

    def _check_version(self, edit_version):
        if self.before is None or edit_version is None or edit_version == self.instance.version:
            return
        history = reverse("admin:articles_article_history", args=[self.instance.pk])
        raise ValidationError(
            format_html(
                "Someone else saved this article while you were editing it, so your save was refused to keep "
                'their changes. <a href="{}">See the newer revision</a>. Everything you typed is still below: '
                "copy what you need, reload the article and apply your changes again.",
                history,
            ),
            code="stale_edit",
        )

    def _post_clean(self):
        super()._post_clean()  # the instance now holds what was typed
        status = self.before.status if self.before else Article.Status.DRAFT
        action = self.workflow_action
        if action in ("publish", "unpublish") and not may_publish(self.user):
            self.add_error(None, ValidationError(
                "Only editors may publish, schedule or unpublish articles: nothing was saved.", code="not_publisher"
            ))  # fmt: skip
            return
        if action == "submit" and status == Article.Status.PUBLISHED:
            self.add_error(None, ValidationError(
                "This article is published: unpublish it before submitting it for review.", code="published"
            ))  # fmt: skip
            return
        target = {"submit": Article.Status.IN_REVIEW, "publish": Article.Status.PUBLISHED, "unpublish": Article.Status.DRAFT}
        self.instance.status = target.get(action, status)
        if self.instance.status == Article.Status.PUBLISHED:
            try:
                publication_outcome(article=self.instance, before=self.before if action == "save" else None)
            except ValidationError as refusal:
                self.add_error(None, refusal)

    def changes(self):
        """
        The fields this edit really changes. A rich-text field counts only when its sanitised value differs from
        the stored one: the editor re-formats HTML that it did not change.
        """
        changed = []
        for name in self.changed_data:
            if name == "edit_version":
                continue
            field = self.instance._meta.get_field(name)
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                if field.value_from_object(self.instance) == self.initial.get(name):
                    continue
            changed.append(name)
        return changed


def https_url_fields(db_field, **kwargs):
    """Form fields of a model form where an address typed without its scheme means https (as Django 6 will)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class TranslateForm(forms.Form):
    """The language of a new translation: one the article has no translation into yet."""

    language = forms.ChoiceField(
        help_text="The new translation is a draft in this language, with the article's text copied."
    )

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages


class AuthorAdminForm(ImageUploadMixin, forms.ModelForm):
    image_fields = ("photo",)

    class Meta:
        model = Author
        fields = "__all__"
        formfield_callback = https_url_fields


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 1
    fields = ["position", "citation", "url", "doi", "pmid"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"citation": forms.Textarea(attrs={"rows": 2, "cols": 60})})
        return super().get_formset(request, obj, **kwargs)


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["date", "text"]
    verbose_name_plural = "corrections (shown on the article as “Updated on DATE: …”)"

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"text": forms.Textarea(attrs={"rows": 2, "cols": 60})})
        return super().get_formset(request, obj, **kwargs)


class StateFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("scheduled", "Scheduled"), ("expired", "Expired"), ("unpublished", "Not published")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Q(status=Article.Status.PUBLISHED)
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.filter(published, published_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(published, expires_at__lte=now)
        if self.value() == "unpublished":
            return queryset.exclude(published)
        return queryset


WORKFLOW_ACTIONS = ("save", "submit", "publish", "unpublish")
# What an action refused by the review and publication rules did not do.
REFUSED_ACTIONS = {
    "save": "Not saved",
    "submit": "Not submitted for review: nothing was saved",
    "publish": "Not published: nothing was saved",
}


@admin.register(Article)
class ArticleAdmin(ArticleEditorToolsMixin, NeedToKnowAdminMixin, RichTextAdminMixin, CompareVersionAdmin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title", "state_label", "schedule", "category", "language", "author_names", "published_at", "updated_at",
    ]  # fmt: skip
    list_filter = [StateFilter, "status", "category", "language", "featured", "tags"]
    list_select_related = ["category"]
    search_fields = ["title", "standfirst", "slug", "authors__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "tags", "medical_reviewer", "translation_of", "translator"]
    inlines = [ReferenceInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected"]
    readonly_fields = [
        "status", "preview_link", "created_at", "updated_at", "content_updated_at", "review_status", "version",
        "reading_minutes", "source_text",
    ]  # fmt: skip
    save_on_top = True
    change_form_template = "admin/articles/article/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "reading_minutes"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
        ("Classification", {"fields": ["category", "tags", "authors", "featured"]}),
        ("Language", {"fields": ["language", "translation_of", "translator", "source_text"]}),
        ("Medical review", {"fields": ["review_status", "medical_reviewer", "last_reviewed"]}),
        ("Publishing", {"fields": [
            "status", "published_at", "expires_at", "preview_link", "created_at", "updated_at", "content_updated_at",
            "version", "edit_version",
        ]}),  # fmt: skip
        ("Search engines", {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]}),
    ]

    def get_queryset(self, request):
        if getattr(request, "article_lookup", None) == "lock":
            # A save: the row stays locked until it commits, so that the version the editor started from is
            # compared with the latest one (ArticleAdminForm._check_version) and nobody saves in between.
            return super().get_queryset(request).select_for_update(of=("self",))
        if getattr(request, "article_lookup", None) == "one":
            return super().get_queryset(request)
        return super().get_queryset(request).prefetch_related("authors")  # the list's authors column

    def get_object(self, request, object_id, from_field=None):
        saving = request.method == "POST" and transaction.get_connection().in_atomic_block
        request.article_lookup = "lock" if saving else "one"
        try:
            return super().get_object(request, object_id, from_field)
        finally:
            request.article_lookup = None

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_review_permission(request):
            fields += ["medical_reviewer", "last_reviewed"]
        return fields

    def has_review_permission(self, request):
        return request.user.has_perm("articles.review_article")

    def has_publish_permission(self, request):
        return may_publish(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        action = request.POST.get("_action", "save") if request.method == "POST" else "save"
        if action not in WORKFLOW_ACTIONS:
            action = "save"
        return type(form.__name__, (form,), {"workflow_action": action, "user": request.user})

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        review = path("<path:object_id>/review/", self.admin_site.admin_view(self.review_view), name=f"{name}_review")
        translate = path(
            "<path:object_id>/translate/", self.admin_site.admin_view(self.translate_view), name=f"{name}_translate"
        )
        report = path("translations/", self.admin_site.admin_view(self.translations_view), name=f"{name}_translations")
        return [review, translate, report, *super().get_urls()]

    def may_translate(self, request):
        """Editors, who write articles, start translations and read the report of them."""
        return self.has_add_permission(request)

    def translate_view(self, request, object_id):
        """Start a translation of an original article: the language is asked, then the new draft opens."""
        if not self.may_translate(request):
            raise PermissionDenied
        source = get_object_or_404(Article, pk=object_id) if object_id.isdigit() else None
        if source is None:
            raise Http404
        change_url = reverse("admin:articles_article_change", args=[source.pk])
        languages = translation_languages(source) if source.translation_of_id is None else []
        form = TranslateForm(request.POST or None, languages=languages)
        if request.method == "POST" and form.is_valid():
            try:
                created = start_translation(source=source, language=form.cleaned_data["language"], by=request.user)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                self.log_addition(request, created, [{"added": {}}])
                self.message_user(
                    request,
                    format_html("Translation started from “{}”: a draft with its text to translate.", source),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[created.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Translate “{source}”",
            "subtitle": None,
            "opts": self.opts,
            "original": source,
            "form": form,
            "change_url": change_url,
            "translations": source.translations.order_by("language") if source.translation_of_id is None else [],
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/articles/article/translate.html", context)

    def translations_view(self, request):
        """The report of missing and outdated translations (articles/translations.py)."""
        if not self.may_translate(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **translation_report(),
            "title": "Translations: missing and outdated",
            "subtitle": None,
            "opts": self.opts,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/articles/article/translations.html", context)

    @admin.display(description="source text")
    def source_text(self, obj):
        """The source's text beside a translation's form, to translate from."""
        source = obj.translation_of if obj.pk else None
        if source is None:
            return "An original: no source to translate from."
        return format_html(
            '<div class="translation-source" lang="{}" dir="{}"><p><a href="{}">{}</a> ({})</p>'
            '<p><strong>{}</strong></p><p>{}</p><div class="translation-source-body">{}</div></div>',
            source.language,
            "rtl" if is_right_to_left(source.language) else "ltr",
            reverse("admin:articles_article_change", args=[source.pk]),
            source.title,
            source.get_language_display(),
            source.title,
            source.standfirst,
            mark_safe(source.body),  # nosec B703 B308  # sanitised by Article.save() (articles/sanitize.py)
        )

    def workflow_buttons(self, request, obj, status=None):
        """
        The change form's buttons for ``obj`` (None when adding), as (action, label, is the default): those of its
        stored ``status`` (after a refused action the form's instance holds the status that was refused).
        """
        if status is None:
            status = obj.status if obj is not None else Article.Status.DRAFT
        publisher = may_publish(request.user)
        if status == Article.Status.PUBLISHED:
            buttons = [("save", "Save changes", True)]
            if publisher:
                buttons.append(("unpublish", "Unpublish", False))
            return buttons
        buttons = [("save", "Save draft" if status == Article.Status.DRAFT else "Save", True)]
        if status == Article.Status.DRAFT and (obj is None or obj.category.is_medical):
            buttons.append(("submit", "Submit for review", False))
        if publisher and (obj is None or obj.may_be_published()):
            scheduled = obj is not None and obj.published_at is not None and obj.published_at > timezone.now()
            buttons.append(("publish", "Schedule" if scheduled else "Publish", False))
        return buttons

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        stored = getattr(form, "before", None)
        status = stored.status if stored is not None else None
        context["workflow_buttons"] = self.workflow_buttons(request, obj, status)
        context["translate_url"] = (
            reverse("admin:articles_article_translate", args=[obj.pk])
            if obj is not None and obj.translation_of_id is None and self.may_translate(request)
            else None
        )
        context["may_review"] = (
            obj is not None
            and (status or obj.status) == Article.Status.IN_REVIEW
            and self.has_review_permission(request)
        )
        field_errors = any(name != NON_FIELD_ERRORS for name in form.errors) or any(
            inline.formset.total_error_count() for inline in context.get("inline_admin_formsets", [])
        )
        refusals = form.workflow_refusals()
        if refusals:
            # The button pressed was refused by a rule of the workflow: why, where the page starts (the field's
            # error says it again below, beside what to fix).
            messages.error(request, f"{REFUSED_ACTIONS[form.workflow_action]}. {' '.join(refusals)}")
        if form.non_field_errors() and not field_errors:
            # A refused action: its reason at the top of the page, not "Please correct the error below".
            for error in form.non_field_errors():
                messages.error(request, error)
            context["errors"] = None
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="visibility", ordering="published_at")
    def state_label(self, obj):
        return format_html('<span class="state state-{}">{}</span>', obj.state, obj.state.capitalize())

    @admin.display(description="countdown")
    def schedule(self, obj):
        now = timezone.now()
        if obj.status != Article.Status.PUBLISHED:
            return ""
        if obj.published_at and obj.published_at > now:
            return f"goes live in {timeuntil(obj.published_at, now, depth=2)}"
        if obj.expires_at and obj.expires_at > now:
            return f"comes down in {timeuntil(obj.expires_at, now, depth=2)}"
        return ""

    @admin.display(description="authors")
    def author_names(self, obj):
        return ", ".join(author.name for author in obj.authors.all())

    @admin.display(description="preview")
    def preview_link(self, obj):
        if not obj.pk:
            return "Save the article to preview it."
        label = "View on site" if obj.is_published() else "Preview (only staff can see it)"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label)

    @admin.display(description="review status")
    def review_status(self, obj):
        if not obj.pk:
            return "Not reviewed yet."
        if not obj.category.is_medical:
            return "Not medical content: no sign-off needed."
        if obj.is_signed_off():
            return format_html(
                "Signed off by {} on {} for this version.",
                obj.medical_reviewer.name_with_credentials if obj.medical_reviewer else obj.signed_off_by,
                obj.signed_off_at.strftime("%d %b %Y %H:%M"),
            )
        if obj.signed_off_content:
            return "Changed since the last sign-off: waiting for a medical reviewer to sign off this version."
        return "Waiting for a medical reviewer to sign off this version."

    def save_model(self, request, obj, form, change):
        pass  # saved by save_related, with its references and corrections: a save that changes nothing stores nothing

    def save_related(self, request, form, formsets, change):
        obj, action = form.instance, form.workflow_action
        restoring = getattr(request, "restoring_revision", False)
        if change and action == "save" and not restoring and not form.changes() and not any(
            formset.has_changed() for formset in formsets
        ):
            request.article_unchanged = True  # no save, no revision, no log entry, no new "Updated" date
            return
        was = form.before.status if form.before else None
        sent_back = save_edit(article=obj, by=request.user, before=form.before, restoring=restoring, submitting=action == "submit")
        super().save_related(request, form, formsets, change)
        note_reader_changes(article=obj, before=form.before)
        if sent_back:
            request.workflow_comment = "Sent back to review (content changed)."
            self.message_user(
                request,
                "The title or body of this medical article changed, so it is back in review and off the site "
                "until a medical reviewer signs off the new version.",
                messages.WARNING,
            )
        elif action == "submit":
            request.workflow_comment = "Submitted for medical review."
            self.message_user(request, "Submitted for medical review: the medical reviewers have been told.", messages.SUCCESS)
        elif obj.status == Article.Status.PUBLISHED and was != Article.Status.PUBLISHED:
            request.workflow_comment = self._publication_message(obj)
            self.message_user(request, request.workflow_comment, messages.SUCCESS)
        elif action == "unpublish":
            request.workflow_comment = "Unpublished (back to draft)."
            self.message_user(request, "Unpublished: the article is a draft again and off the site.", messages.SUCCESS)

    @staticmethod
    def _publication_message(article):
        if article.published_at > timezone.now():
            return f"Scheduled to go live at {timezone.localtime(article.published_at):%d %b %Y %H:%M}."
        return "Published."

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._comment_revision(request, entry)
        return entry

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "article_unchanged", False):
            return []  # the inlines were not saved either
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if getattr(request, "article_unchanged", False):
            return None
        entry = super().log_change(request, obj, message)
        self._comment_revision(request, entry)
        return entry

    @staticmethod
    def _comment_revision(request, entry):
        # The revision says what the save did (published, submitted…) before the fields it changed.
        workflow = getattr(request, "workflow_comment", "")
        if workflow and reversion.is_active():
            reversion.set_comment(f"{workflow} {entry.get_change_message()}")

    def response_change(self, request, obj):
        if getattr(request, "article_unchanged", False):
            self.message_user(request, "Nothing changed, so nothing was saved.", messages.INFO)
            return HttpResponseRedirect(request.path)
        if request.POST.get("_action") in WORKFLOW_ACTIONS and "_continue" not in request.POST:
            # Each button keeps the editor on the article (as "Save and continue editing" does).
            opts = self.opts
            msg = format_html("“{}” was saved.", obj)
            self.message_user(request, msg, messages.SUCCESS)
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_action") in WORKFLOW_ACTIONS:
            opts = self.opts
            self.message_user(request, format_html("“{}” was added.", obj), messages.SUCCESS)
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def review_view(self, request, object_id):
        """
        The medical review of one article in review: what changed since the last signed-off version, its
        references, a comment, and the two outcomes. Medical reviewers only.
        """
        if not self.has_review_permission(request):
            raise PermissionDenied
        queryset = Article.objects.select_related("category", "submitted_by", "signed_off_by", "medical_reviewer")
        with transaction.atomic():
            if request.method == "POST":
                queryset = queryset.select_for_update(of=("self",))
            article = get_object_or_404(queryset, pk=object_id) if object_id.isdigit() else None
            if article is None:
                raise Http404
            change_url = reverse("admin:articles_article_change", args=[article.pk])
            if article.status != Article.Status.IN_REVIEW:
                self.message_user(request, f"“{article}” is not waiting for a medical review.", messages.INFO)
                return HttpResponseRedirect(change_url)
            form = ReviewForm(request.POST or None, article=article)
            if request.method == "POST" and form.is_valid():
                outcome, comment = form.cleaned_data["outcome"], form.cleaned_data["comment"]
                try:
                    with transaction.atomic():
                        if outcome == ReviewForm.SIGN_OFF:
                            reviewer = sign_off(article=article, by=request.user, comment=comment)
                        else:
                            request_changes(article=article, by=request.user, comment=comment)
                except ValidationError as refusal:
                    form.add_error(None, refusal)
                else:
                    if outcome == ReviewForm.SIGN_OFF:
                        done = f"“{article}” signed off by {reviewer.name_with_credentials}."
                    else:
                        done = f"Changes requested: “{article}” is back in draft and its author has your comment."
                    self.message_user(request, done, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:index"))
            for error in form.non_field_errors():
                messages.error(request, error)
            context = {
                **self.admin_site.each_context(request),
                **review_context(article),
                "title": f"Medical review: {article}",
                "subtitle": None,
                "opts": self.opts,
                "original": article,
                "form": form,
                "change_url": change_url,
                "has_view_permission": True,
            }
            return TemplateResponse(request, "admin/articles/article/review.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request.restoring_revision = True
        return super().revision_view(request, object_id, version_id, extra_context)

    @admin.action(description="Publish selected articles now (or at their scheduled time)", permissions=["publish"])
    def publish_selected(self, request, queryset):
        run_bulk_action(
            self,
            request,
            queryset.exclude(status=Article.Status.PUBLISHED).select_related("category"),
            lambda article: publish(article=article, by=request.user),
            label=str,
            done="{} article(s) published.",
            refused="Not published, a medical reviewer must sign off their current version first: {}",
        )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        run_bulk_action(
            self,
            request,
            queryset.filter(status=Article.Status.PUBLISHED).select_related("category"),
            lambda article: unpublish(article=article, by=request.user),
            label=str,
            done="{} article(s) unpublished.",
        )


@admin.register(AuditEvent)
class AuditEventAdmin(NeedToKnowAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action", "article_link", "user", "detail", "comment"]
    list_filter = ["action", "user"]
    list_select_related = ["user", "article"]
    search_fields = ["article_title", "user__username"]
    date_hierarchy = "at"

    @admin.display(description="article", ordering="article_title")
    def article_link(self, obj):
        if obj.article_id is None:
            return f"{obj.article_title} (deleted)"
        return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[obj.article_id]), obj.article_title)


@admin.register(ReviewDueArticle)
class ReviewDueAdmin(NeedToKnowAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Medical articles whose re-review is due within a month or overdue, oldest first."""

    list_display = ["title", "review_due", "overdue", "medical_reviewer", "last_reviewed", "category"]
    list_filter = ["category", "medical_reviewer"]
    list_select_related = ["category", "medical_reviewer"]
    search_fields = ["title"]
    ordering = ["review_due", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).due_for_review()

    def get_model_perms(self, request):
        # Shown to whoever may view articles, without a permission of its own.
        return {"view": request.user.has_perm("articles.view_article")}

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article")

    @admin.display(boolean=True, description="overdue")
    def overdue(self, obj):
        return obj.review_due < timezone.localdate()

    def get_list_display_links(self, request, list_display):
        return None

    @admin.display(description="title", ordering="title")
    def title(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[obj.pk]), obj.title)


# Categories, tags, site blocks and pages are edited in every language, each text with a tab per language
# (django-modeltranslation; articles/translation.py): a text left empty reads as the site language's.
@admin.register(Category)
class CategoryAdmin(NeedToKnowAdminMixin, TranslationAdmin):
    list_display = ["name", "slug", "is_medical", "review_interval_months", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


# Followed from articles, so that a revision's diff names its tags and authors.
reversion.register(Tag)
reversion.register(Author)


@admin.register(Tag)
class TagAdmin(NeedToKnowAdminMixin, TranslationAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name", "credentials", "role", "user"]
    list_select_related = ["user"]
    fields = ["name", "slug", "credentials", "role", "photo", "bio", "profile_url", "user"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "credentials"]
    autocomplete_fields = ["user"]


@admin.register(SiteBlock)
class SiteBlockAdmin(NeedToKnowAdminMixin, RichTextAdminMixin, TranslationAdmin):
    list_display = ["__str__", "title", "is_active"]
    list_editable = ["is_active"]


@admin.register(Page)
class PageAdmin(NeedToKnowAdminMixin, RichTextAdminMixin, TranslationAdmin):
    list_display = ["title", "slug", "in_footer", "position", "updated_at"]
    list_editable = ["in_footer", "position"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    list_display = ["terms", "is_active", "updated_at"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["terms"]


@admin.register(SlugRedirect)
class SlugRedirectAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_slug", "article__title"]
    autocomplete_fields = ["article"]


def _article_change_url(article_id):
    return reverse("admin:articles_article_change", args=[article_id])


class EditorImageAdminForm(forms.ModelForm):
    class Meta:
        model = EditorImage
        fields = ["original_name", "alt_text", "focal_x", "focal_y"]
        widgets = {
            "alt_text": forms.TextInput(attrs={"size": 60}),
            # Without JavaScript, the point is typed in; with it, a click on the image fills these.
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        }


class AltTextFilter(admin.SimpleListFilter):
    title = "alt text"
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [("missing", "Missing"), ("given", "Given")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(alt_text="")
        if self.value() == "given":
            return queryset.exclude(alt_text="")
        return queryset


class ImageUseFilter(admin.SimpleListFilter):
    title = "used"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("hero", "As a hero image"), ("body", "In a body"), ("unused", "Not used")]

    def queryset(self, request, queryset):
        if self.value() in {ImageUse.Role.HERO, ImageUse.Role.BODY}:
            return queryset.filter(Exists(ImageUse.objects.filter(image=OuterRef("pk"), role=self.value())))
        if self.value() == "unused":
            return queryset.exclude(Exists(ImageUse.objects.filter(image=OuterRef("pk"))))
        return queryset


@admin.register(EditorImage)
class EditorImageAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    """The media library: the editor's images and the heroes, their alt text, focal point and uses."""

    form = EditorImageAdminForm
    list_display = ["thumbnail", "name", "has_alt_text", "alt_text", "used_in", "size", "uploaded_at"]
    list_display_links = ["thumbnail", "name"]
    list_editable = ["alt_text"]
    list_filter = [AltTextFilter, ImageUseFilter, "uploaded_at"]
    list_select_related = ["uploaded_by"]
    list_per_page = 50
    search_fields = ["original_name", "alt_text", "image"]
    date_hierarchy = "uploaded_at"
    fields = [
        "focal_point_picker", "original_name", "alt_text", "focal_x", "focal_y", "all_uses", "url", "size",
        "uploaded_by", "uploaded_at",
    ]  # fmt: skip
    readonly_fields = ["focal_point_picker", "all_uses", "url", "size", "uploaded_by", "uploaded_at"]
    # Uses shown in the list's column, at most; the image's page lists them all.
    USES_SHOWN = 3

    class Media:
        js = ["articles/focal-point.js"]

    def get_queryset(self, request):
        uses = ImageUse.objects.select_related("article").only("image_id", "role", "article__title", "article__id")
        return super().get_queryset(request).prefetch_related(Prefetch("uses", queryset=uses))

    def get_changelist_formset(self, request, **kwargs):
        kwargs["widgets"] = {"alt_text": forms.TextInput(attrs={"size": 28, "placeholder": "Describe the image"})}
        return super().get_changelist_formset(request, **kwargs)

    def has_add_permission(self, request):
        return False  # images arrive through the editor's upload and the articles' hero field, which check them

    def save_model(self, request, obj, form, change):
        save_library_image(image=obj, by=request.user)

    @admin.display(description="image")
    def thumbnail(self, obj):
        return format_html(
            '<img class="library-thumbnail" src="{}" alt="{}" loading="lazy">',
            rendition_url(obj.image.name, THUMBNAIL_WIDTH, "jpeg"),
            obj.alt_text,
        )

    @admin.display(description="name", ordering="original_name")
    def name(self, obj):
        return str(obj)

    @admin.display(boolean=True, description="alt", ordering="alt_text")
    def has_alt_text(self, obj):
        return bool(obj.alt_text)

    @admin.display(description="used in")
    def used_in(self, obj):
        return self._uses(obj, limit=self.USES_SHOWN)

    @admin.display(description="used in")
    def all_uses(self, obj):
        return self._uses(obj, limit=None)

    def _uses(self, obj, limit):
        uses = list(obj.uses.all())
        if not uses:
            return "Not used"
        shown = uses[:limit]
        items = format_html_join(
            "",
            '<li>{}: <a href="{}">{}</a></li>',
            (
                (use.get_role_display(), _article_change_url(use.article_id), use.article.title)
                for use in shown
            ),
        )
        more = len(uses) - len(shown)
        return format_html(
            '<ul class="library-uses">{}{}</ul>', items, format_html("<li>and {} more</li>", more) if more else ""
        )

    @admin.display(description="size")
    def size(self, obj):
        return f"{obj.width} × {obj.height}"

    @admin.display(description="focal point")
    def focal_point_picker(self, obj):
        return format_html(
            '<div class="focal-point-picker" data-focal-x="{}" data-focal-y="{}">'
            '<img src="{}" alt="{}" width="{}" height="{}"><span class="focal-point-marker" hidden></span></div>'
            '<p class="help">Click the part of the image that must stay in view when it is cropped (the cards '
            "of the article lists show it at 16:9), or type the point below.</p>",
            obj.focal_x,
            obj.focal_y,
            rendition_url(obj.image.name, PICKER_WIDTH, "jpeg"),
            obj.alt_text,
            obj.width,
            obj.height,
        )

    @admin.display(description="URL to use in articles")
    def url(self, obj):
        return obj.image.url
