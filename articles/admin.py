from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.forms.widgets import Media
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timeuntil

from .caching import bump_site_version
from .images import process_image
from .models import Article, Author, Category, Correction, EditorImage, Page, Reference, SiteBlock, SlugRedirect, Tag


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

    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"body": RichTextWidget()}

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("hero_image") and not cleaned_data.get("hero_alt"):
            self.add_error("hero_alt", forms.ValidationError("Describe the hero image for readers who cannot see it.", code="required"))
        reviewer, reviewed = cleaned_data.get("medical_reviewer"), cleaned_data.get("last_reviewed")
        if reviewer and not reviewed:
            self.add_error("last_reviewed", forms.ValidationError("Give the date of the medical review.", code="required"))
        if reviewed and not reviewer:
            self.add_error("medical_reviewer", forms.ValidationError("Choose who reviewed the article.", code="required"))
        return cleaned_data


class AuthorAdminForm(ImageUploadMixin, forms.ModelForm):
    image_fields = ("photo",)

    class Meta:
        model = Author
        fields = "__all__"


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
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state_label", "schedule", "status", "category", "author_names", "published_at", "updated_at"]
    list_filter = [StateFilter, "status", "category", "featured", "tags"]
    list_select_related = ["category"]
    search_fields = ["title", "standfirst", "slug", "authors__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "tags", "medical_reviewer"]
    inlines = [ReferenceInline, CorrectionInline]
    actions = ["publish", "unpublish", "mark_reviewed"]
    readonly_fields = ["preview_link", "created_at", "updated_at"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
        ("Classification", {"fields": ["category", "tags", "authors", "featured"]}),
        ("Medical review", {"fields": ["medical_reviewer", "last_reviewed"]}),
        ("Publishing", {"fields": ["status", "published_at", "expires_at", "preview_link", "created_at", "updated_at"]}),
        ("Search engines", {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bump_site_version()  # authors and tags are saved after the article itself

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

    @admin.action(description="Publish selected articles now (or at their scheduled time)", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or now
            article.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        self.message_user(request, f"{count} article(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.filter(status=Article.Status.PUBLISHED).update(
            status=Article.Status.DRAFT, updated_at=timezone.now()
        )
        bump_site_version()
        self.message_user(request, f"{count} article(s) unpublished.", messages.SUCCESS)

    @admin.action(description="Mark selected articles medically reviewed by me today", permissions=["review"])
    def mark_reviewed(self, request, queryset):
        reviewer = Author.objects.filter(user=request.user).first()
        if reviewer is None:
            self.message_user(
                request,
                "Your account is not linked to an author profile with credentials; ask an editor to link it.",
                messages.ERROR,
            )
            return
        count = queryset.update(medical_reviewer=reviewer, last_reviewed=timezone.localdate(), updated_at=timezone.now())
        bump_site_version()
        self.message_user(request, f"{count} article(s) marked reviewed by {reviewer.name_with_credentials}.", messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name", "credentials", "user"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "credentials"]
    autocomplete_fields = ["user"]


@admin.register(SiteBlock)
class SiteBlockAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "is_active"]
    list_editable = ["is_active"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = RichTextWidget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "in_footer", "position", "updated_at"]
    list_editable = ["in_footer", "position"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = RichTextWidget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_slug", "article__title"]
    autocomplete_fields = ["article"]


@admin.register(EditorImage)
class EditorImageAdmin(admin.ModelAdmin):
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
