import reversion
from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.forms.widgets import Media
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timeuntil
from reversion_compare.admin import CompareVersionAdmin

from magazine.admin_site import NeedToKnowAdminMixin, ReadOnlyAdminMixin, run_bulk_action

from .images import process_image
from .models import (
    Article,
    AuditEvent,
    Author,
    Category,
    Correction,
    EditorImage,
    Page,
    Reference,
    ReviewDueArticle,
    SiteBlock,
    SlugRedirect,
    Tag,
)
from .services import Before, publication_outcome, publish, save_edit, sign_off, unpublish


class RichTextWidget(CKEditorWidget):
    """CKEditor with uploads sent to our own staff-only, CSRF-protected view."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        upload_url = reverse_lazy("articles:editor-upload")
        self.config["uploadUrl"] = upload_url
        self.config["filebrowserUploadUrl"] = upload_url
        self.config["filebrowserUploadMethod"] = "xhr"

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
        if db_field.name in self.rich_text_fields:
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
    image_fields = ("hero_image",)
    # The version the editor started from: a save on top of someone else's newer save is refused.
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"].initial = self.instance.version
        # The article as it was before this edit (ArticleAdmin.get_object locked its row for a save).
        self.before = Before.of(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        self._check_version(cleaned_data.get("edit_version"))
        if cleaned_data.get("hero_image") and not cleaned_data.get("hero_alt"):
            self.add_error("hero_alt", forms.ValidationError("Describe the hero image for readers who cannot see it.", code="required"))
        reviewer, reviewed = cleaned_data.get("medical_reviewer"), cleaned_data.get("last_reviewed")
        if reviewer and not reviewed:
            self.add_error("last_reviewed", forms.ValidationError("Give the date of the medical review.", code="required"))
        if reviewed and not reviewer:
            self.add_error("medical_reviewer", forms.ValidationError("Choose who reviewed the article.", code="required"))
        return cleaned_data

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
        if self.instance.status == Article.Status.PUBLISHED and "status" not in self.errors:
            try:
                publication_outcome(article=self.instance, before=self.before)
            except ValidationError as refusal:
                self.add_error("status", refusal)


def https_url_fields(db_field, **kwargs):
    """Form fields of a model form where an address typed without its scheme means https (as Django 6 will)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


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


@admin.register(Article)
class ArticleAdmin(NeedToKnowAdminMixin, RichTextAdminMixin, CompareVersionAdmin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state_label", "schedule", "status", "category", "author_names", "published_at", "updated_at"]
    list_filter = [StateFilter, "status", "category", "featured", "tags"]
    list_select_related = ["category"]
    search_fields = ["title", "standfirst", "slug", "authors__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "tags", "medical_reviewer"]
    inlines = [ReferenceInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected", "sign_off_selected"]
    readonly_fields = ["preview_link", "created_at", "updated_at", "review_status", "version", "reading_minutes"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "reading_minutes"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
        ("Classification", {"fields": ["category", "tags", "authors", "featured"]}),
        ("Medical review", {"fields": ["review_status", "medical_reviewer", "last_reviewed"]}),
        ("Publishing", {"fields": ["status", "published_at", "expires_at", "preview_link", "created_at", "updated_at", "version", "edit_version"]}),
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
        restoring = getattr(request, "restoring_revision", False)
        sent_back = save_edit(article=obj, by=request.user, before=form.before, restoring=restoring)
        if sent_back:
            self.message_user(
                request,
                "The title or body of this medical article changed, so it is back in review and off the site "
                "until a medical reviewer signs off the new version.",
                messages.WARNING,
            )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request.restoring_revision = True
        return super().revision_view(request, object_id, version_id, extra_context)

    @admin.action(description="Publish selected articles now (or at their scheduled time)", permissions=["change"])
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

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        run_bulk_action(
            self,
            request,
            queryset.filter(status=Article.Status.PUBLISHED).select_related("category"),
            lambda article: unpublish(article=article, by=request.user),
            label=str,
            done="{} article(s) unpublished.",
        )

    @admin.action(description="Sign off the medical review of selected articles (as they stand now)", permissions=["review"])
    def sign_off_selected(self, request, queryset):
        signed = []
        try:
            with transaction.atomic():
                for article in queryset.select_related("category"):
                    reviewer = sign_off(article=article, by=request.user)
                    signed.append(article)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, f"{len(signed)} article(s) signed off by {reviewer.name_with_credentials}.", messages.SUCCESS
        )


@admin.register(AuditEvent)
class AuditEventAdmin(NeedToKnowAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action", "article_link", "user", "detail"]
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


@admin.register(Category)
class CategoryAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_medical", "review_interval_months", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


# Followed from articles, so that a revision's diff names its tags and authors.
reversion.register(Tag)
reversion.register(Author)


@admin.register(Tag)
class TagAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
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
class SiteBlockAdmin(NeedToKnowAdminMixin, RichTextAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "title", "is_active"]
    list_editable = ["is_active"]


@admin.register(Page)
class PageAdmin(NeedToKnowAdminMixin, RichTextAdminMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "in_footer", "position", "updated_at"]
    list_editable = ["in_footer", "position"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]


@admin.register(SlugRedirect)
class SlugRedirectAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_slug", "article__title"]
    autocomplete_fields = ["article"]


@admin.register(EditorImage)
class EditorImageAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    list_display = ["thumbnail", "original_name", "width", "height", "uploaded_by", "uploaded_at"]
    list_select_related = ["uploaded_by"]
    readonly_fields = ["thumbnail", "url", "width", "height", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name"]
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request):
        return False  # images arrive through the editor's upload, which checks and re-encodes them

    @admin.display(description="image")
    def thumbnail(self, obj):
        return format_html('<img src="{}" alt="" style="max-height:60px;max-width:120px">', obj.image.url)

    @admin.display(description="URL to use in articles")
    def url(self, obj):
        return obj.image.url
