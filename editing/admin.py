import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.widgets import Media
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.models import Article
from magazine.admin_site import NeedToKnowAdminMixin, ReadOnlyAdminMixin

from .checks import ReferenceValues, run_checks, visible_article_slugs
from .models import ArticleAutosave, BrokenLink, PreviewLink
from .services import (
    AUTOSAVE_MAX_BYTES,
    PREVIEW_MAX_DAYS,
    create_preview_link,
    discard_autosave,
    revoke_preview_links,
    save_autosave,
)

AUTOSAVE_SECONDS = 5
CHECKED_FIELDS = ("title", "body", "standfirst", "seo_title", "seo_description")


def findings_html(findings):
    return render_to_string("admin/editing/content_checks.html", {"findings": findings})


class PreviewLinkForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Works for",
        coerce=int,
        choices=[(1, "1 day"), (3, "3 days"), (7, "7 days"), (14, "14 days"), (PREVIEW_MAX_DAYS, f"{PREVIEW_MAX_DAYS} days")],
        initial=7,
    )
    note = forms.CharField(
        label="Shared with", max_length=200, required=False, help_text="Who the link is for, e.g. “Dr Okafor, for a fact check”."
    )


class ArticleEditorToolsMixin:
    """
    The editor tools on the article form: the content checks panel (computed on the server from the form's
    content, live while typing), autosave and its recovery, and the article's preview links.
    """

    editor_tools_fields = ("content_checks", "preview_links")

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.editor_tools_fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        tools = [("Content checks", {"classes": ["editor-tools"], "fields": ["content_checks"]})]
        if obj is not None and obj.pk:
            tools.append(("Preview links for people without an account", {"fields": ["preview_links"]}))
        return [*fieldsets[:1], *tools, *fieldsets[1:]]

    @property
    def media(self):
        return super().media + Media(css={"all": ["editing/editor-tools.css"]}, js=["editing/editor-tools.js"])

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("editor-tools/autosave/", wrap(self.autosave_view), name="articles_article_autosave"),
            path("editor-tools/checks/", wrap(self.checks_view), name="articles_article_checks"),
            path("<path:object_id>/preview-link/", wrap(self.preview_link_view), name="articles_article_preview_link"),
            *super().get_urls(),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # What was kept while typing is now saved (in the same transaction): the form's autosave, of this
        # article or of a new one, goes.
        discard_autosave(user=request.user, article=form.instance if change else None)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and "adminform" in context:
            # A refused save: the panel checks what was typed (a field with an error is not in the instance).
            form = context["adminform"].form
            form.instance.typed_for_checks = {name: form.data.get(name, "") for name in CHECKED_FIELDS}
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="checks")
    def content_checks(self, obj):
        references = [ReferenceValues(r.position, r.url, r.doi, r.pmid) for r in obj.references.all()] if obj.pk else []
        values = getattr(obj, "typed_for_checks", None) or {name: getattr(obj, name) or "" for name in CHECKED_FIELDS}
        findings = run_checks(**values, references=references, visible_slugs=visible_article_slugs)
        return format_html(
            '<div id="content-checks" data-checks-url="{}" data-autosave-url="{}" data-article="{}" data-version="{}" '
            'data-autosave-seconds="{}" data-saved-at="{}" aria-live="polite">{}</div>',
            reverse("admin:articles_article_checks"),
            reverse("admin:articles_article_autosave"),
            obj.pk or "new",
            obj.version if obj.pk else "",
            AUTOSAVE_SECONDS,
            obj.updated_at.isoformat() if obj.pk and obj.updated_at else "",
            findings_html(findings),
        )

    @admin.display(description="links")
    def preview_links(self, obj):
        links = list(obj.preview_links.select_related("created_by").annotate(use_count=Count("uses")).order_by("-created_at")[:10]) if obj.pk else []
        rows = format_html_join(
            "",
            "<li>{} · {} · made by {} on {} · {} use(s) {}</li>",
            (
                (
                    link.note or "(no note)",
                    {"active": f"works until {link.expires_at:%d %b %Y %H:%M}", "expired": "expired", "revoked": "revoked"}[link.state],
                    link.created_by or "someone",
                    f"{link.created_at:%d %b %Y}",
                    link.use_count,
                    format_html('· <a href="{}">revoke</a>', reverse("admin:editing_previewlink_revoke", args=[link.pk])) if link.state == "active" else "",
                )
                for link in links
            ),
        )
        listing = format_html("<ul class=\"preview-links\">{}</ul>", rows) if links else "No preview links yet."
        return format_html(
            '{}<p><a class="button" href="{}">Make a preview link</a> <a href="{}?article__id__exact={}">All links of this article</a></p>',
            listing,
            reverse("admin:articles_article_preview_link", args=[obj.pk]),
            reverse("admin:editing_previewlink_changelist"),
            obj.pk,
        )

    def _article_for(self, request, value, *, change):
        """The article named by ``value`` ("new" or an id) if the user may edit it (None for a new one)."""
        if value == "new":
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        try:
            article = self.get_queryset(request).get(pk=int(value))
        except (TypeError, ValueError, Article.DoesNotExist):
            raise Http404("No such article.") from None
        allowed = self.has_change_permission(request, article) if change else self.has_view_permission(request, article)
        if not allowed:
            raise PermissionDenied
        return article

    def autosave_view(self, request):
        """GET ?article=ID|new: the user's autosave of the form, if newer than the article's last save.
        POST article, data (JSON), base_version: keep it. POST discard=1: drop it."""
        if request.method == "GET":
            article = self._article_for(request, request.GET.get("article", ""), change=True)
            autosave = ArticleAutosave.objects.filter(user=request.user, article=article).first()
            if autosave is None:
                return JsonResponse({"autosave": None})
            if article is not None and autosave.saved_at <= article.updated_at:
                # The article was saved after this copy was kept: the copy is of an older state.
                discard_autosave(user=request.user, article=article)
                return JsonResponse({"autosave": None})
            return JsonResponse(
                {
                    "autosave": {
                        "data": autosave.data,
                        "saved_at": autosave.saved_at.isoformat(),
                        "saved_at_display": timezone.localtime(autosave.saved_at).strftime("%d %b %Y %H:%M:%S"),
                        "base_version": autosave.base_version,
                    }
                }
            )
        if request.method != "POST":
            return JsonResponse({"error": "Use GET or POST."}, status=405)
        article = self._article_for(request, request.POST.get("article", ""), change=True)
        if request.POST.get("discard"):
            discard_autosave(user=request.user, article=article)
            return JsonResponse({"discarded": True})
        raw = request.POST.get("data", "")
        if len(raw.encode()) > AUTOSAVE_MAX_BYTES:
            return JsonResponse({"error": "This is too much text to keep as an autosave; save the article."}, status=413)
        try:
            data = json.loads(raw)
            base_version = int(request.POST["base_version"]) if request.POST.get("base_version") else None
            autosave = save_autosave(user=request.user, article=article, data=data, base_version=base_version)
        except (ValueError, ValidationError):
            return JsonResponse({"error": "The autosave could not be read: it was not kept."}, status=400)
        return JsonResponse({"saved_at": autosave.saved_at.isoformat()})

    def checks_view(self, request):
        """POST the form's fields (title, body, standfirst, seo_title, seo_description, references as JSON):
        the content checks panel for them."""
        if request.method != "POST":
            return JsonResponse({"error": "Use POST."}, status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        values = {name: request.POST.get(name, "") for name in CHECKED_FIELDS}
        if len(values["body"].encode()) > AUTOSAVE_MAX_BYTES:
            return JsonResponse({"error": "The body is too long to check while typing; save to check it."}, status=413)
        try:
            references = [
                ReferenceValues(int(ref.get("position") or 0), str(ref.get("url", "")), str(ref.get("doi", "")), str(ref.get("pmid", "")))
                for ref in json.loads(request.POST.get("references") or "[]")
            ]
        except (ValueError, TypeError, AttributeError):
            return JsonResponse({"error": "The references could not be read."}, status=400)
        findings = run_checks(**values, references=references, visible_slugs=visible_article_slugs)
        return JsonResponse({"html": findings_html(findings), "blocking": any(f.level == "blocking" for f in findings)})

    def preview_link_view(self, request, object_id):
        article = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not (self.has_view_permission(request, article) and request.user.has_perm("editing.add_previewlink")):
            raise PermissionDenied
        form = PreviewLinkForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": f"Preview link of “{article}”",
            "form": form,
            "max_days": PREVIEW_MAX_DAYS,
        }
        if request.method == "POST" and form.is_valid():
            link, token = create_preview_link(
                article=article, by=request.user, days=form.cleaned_data["days"], note=form.cleaned_data["note"]
            )
            context.update(link=link, url=request.build_absolute_uri(reverse("editing:shared-preview", args=[token])))
            return TemplateResponse(request, "admin/editing/preview_link_created.html", context)
        return TemplateResponse(request, "admin/editing/preview_link_form.html", context)


class PreviewLinkStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.usable(now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(PreviewLink)
class PreviewLinkAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    list_display = ["article", "note", "link_state", "created_by", "created_at", "expires_at", "use_count", "last_used"]
    list_filter = [PreviewLinkStateFilter, "created_by"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__title", "note"]
    fields = ["article", "note", "link_state", "created_by", "created_at", "expires_at", "revoked_at", "revoked_by", "uses_list"]
    readonly_fields = ["article", "link_state", "created_by", "created_at", "expires_at", "revoked_at", "revoked_by", "uses_list"]
    actions = ["revoke_selected"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("uses"), last_used=Max("uses__at"))

    def has_add_permission(self, request):
        return False  # made from the article's page, which shows the link once

    def has_delete_permission(self, request, obj=None):
        return False  # revoked instead: the record of who opened it stays

    def get_urls(self):
        return [
            path("<path:object_id>/revoke/", self.admin_site.admin_view(self.revoke_view), name="editing_previewlink_revoke"),
            *super().get_urls(),
        ]

    @admin.display(description="state")
    def link_state(self, obj):
        return obj.state

    @admin.display(description="uses", ordering="use_count")
    def use_count(self, obj):
        return obj.use_count

    @admin.display(description="last opened", ordering="last_used")
    def last_used(self, obj):
        return obj.last_used

    @admin.display(description="openings")
    def uses_list(self, obj):
        uses = obj.uses.all()[:50]
        if not uses:
            return "Never opened."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{} · {} · {} · {}</li>", ((f"{timezone.localtime(u.at):%d %b %Y %H:%M:%S}", u.outcome, u.address, u.user_agent) for u in uses)),
        )

    @admin.action(description="Revoke selected preview links", permissions=["change"])
    def revoke_selected(self, request, queryset):
        count = revoke_preview_links(links=queryset, by=request.user)
        self.message_user(request, f"{count} preview link(s) revoked: they no longer open the article.", messages.SUCCESS)

    def revoke_view(self, request, object_id):
        link = get_object_or_404(PreviewLink.objects.select_related("article"), pk=object_id)
        if not self.has_change_permission(request, link):
            raise PermissionDenied
        if request.method == "POST":
            revoke_preview_links(links=PreviewLink.objects.filter(pk=link.pk), by=request.user)
            self.message_user(request, f"The preview link {link.note or ''} of “{link.article}” is revoked.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[link.article_id]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Revoke this preview link?",
            "link": link,
        }
        return TemplateResponse(request, "admin/editing/preview_link_revoke.html", context)


@admin.register(BrokenLink)
class BrokenLinkAdmin(NeedToKnowAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """External links of published articles that failed at the last check (manage.py check_links)."""

    list_display = ["article_link", "url_link", "problem", "first_seen_at", "checked_at"]
    list_filter = ["status"]
    list_select_related = ["article"]
    search_fields = ["url", "article__title"]
    ordering = ["article__title", "url"]

    def get_list_display_links(self, request, list_display):
        return None

    @admin.display(description="article", ordering="article__title")
    def article_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[obj.article_id]), obj.article.title)

    @admin.display(description="URL", ordering="url")
    def url_link(self, obj):
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.url, obj.url)

    @admin.display(description="problem")
    def problem(self, obj):
        return obj.error or f"HTTP {obj.status}"
