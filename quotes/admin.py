import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import model_ngettext
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from magazine.admin_site import NeedToKnowAdminMixin, ReadOnlyAdminMixin, run_bulk_action
from magazine.spreadsheets import csv_safe

from .models import (
    AccessLog, Destination, MedicalRecord, Note, PatientMessage, Quote, QuoteLine, QuoteRequest, ReplyTemplate, StatusChange,
    Treatment,
)  # fmt: skip
from .money import DEFAULT_LOCALE, format_money
from .report import triage_report
from .services import (
    change_status, check_sendable, erase_quote_requests, latest_sent_quote, log_access, patient_link, quote_ready_email,
    reply_to_patient, retire_catalogue_entries, send_quote,
)  # fmt: skip

# Statuses triage staff can move several requests to at once from the list.
BULK_STATUSES = [
    QuoteRequest.Status.IN_REVIEW,
    QuoteRequest.Status.AWAITING_PATIENT,
    QuoteRequest.Status.LOST,
    QuoteRequest.Status.DUPLICATE,
    QuoteRequest.Status.SPAM,
]
CSV_FIELDS = [
    "reference", "status", "priority", "created_at", "name", "email", "phone", "country", "treatment",
    "condition_summary", "destinations", "budget", "travel_window", "contact_method", "language", "assignee",
    "source_article",
]  # fmt: skip


class CatalogueAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    """
    The treatments and destinations patients choose from, which editors keep. Deleting one that a request or a
    quote uses keeps it with them and takes it off the form instead; no page of these admins says anything
    about requests (nor how many chose an entry).
    """

    actions = ["delete_selected"]
    delete_confirmation_template = "admin/quotes/catalogue_delete_confirmation.html"
    delete_selected_confirmation_template = "admin/quotes/catalogue_delete_selected_confirmation.html"

    def get_deleted_objects(self, objs, request):
        # Deleting an entry deletes nothing else (one in use is kept instead): the page lists the entries alone.
        entries = list(objs)
        listed = [
            format_html('{}: <a href="{}">{}</a>', capfirst(self.opts.verbose_name), self._change_url(entry), entry)
            for entry in entries
        ]
        return listed, {self.opts.verbose_name_plural: len(entries)}, set(), []

    def log_deletions(self, request, queryset):
        pass  # delete_queryset writes the history of what became of each entry: deleted, or kept off the form

    def delete_model(self, request, obj):
        self.delete_queryset(request, self.model.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            deleted, kept = retire_catalogue_entries(queryset)
            if deleted:
                super().log_deletions(request, deleted)
            for entry in kept:
                self.log_change(request, entry, "Taken off the quote form instead of deleted: it is in use.")
        if kept:
            self.message_user(
                request,
                f"Kept, and no longer offered on the quote form, because quote requests or quotes use "
                f"{'it' if len(kept) == 1 else 'them'}: {', '.join(str(entry) for entry in kept)}.",
                messages.WARNING,
            )
        return deleted, kept

    def response_delete(self, request, obj_display, obj_id):
        if IS_POPUP_VAR in request.POST or not self.model.objects.filter(pk=obj_id).exists():
            return super().response_delete(request, obj_display, obj_id)
        # Kept (delete_queryset said so): back to the list, without Django's "was deleted successfully".
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, changelist))

    @admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        if not request.POST.get("post"):
            return delete_selected(self, request, queryset)  # Django's confirmation page, with the entries alone
        deleted, _ = self.delete_queryset(request, queryset)
        if deleted:
            self.message_user(request, f"Deleted {len(deleted)} {model_ngettext(self.opts, len(deleted))}.", messages.SUCCESS)
        return None

    def _change_url(self, entry):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[entry.pk])


@admin.register(Treatment)
class TreatmentAdmin(CatalogueAdmin, TranslationAdmin):  # the names and notes in every language (quotes/translation.py)
    list_display = ["name", "is_experimental", "is_active", "related_article", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_experimental", "is_active"]
    list_select_related = ["related_article"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["related_article"]


@admin.register(Destination)
class DestinationAdmin(CatalogueAdmin):
    list_display = ["name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]


# Where a change page keeps the filters of the list it was opened from (Django's admin).
CHANGELIST_FILTERS = "_changelist_filters"


def readable_query(query):
    """A page's query as it was typed (decoded), with the list filters a change page carries along in brackets."""
    return "&".join(
        f"{key}=({readable_query(QueryDict(value))})" if key == CHANGELIST_FILTERS else f"{key}={value}"
        for key, values in query.lists()
        for value in values
    )


def shown_on(response, name):
    """What the admin page in ``response`` shows under ``name`` (None for a redirect or an error)."""
    if response.status_code != 200:
        return None
    return (getattr(response, "context_data", None) or {}).get(name)


class AccessLoggedAdmin(admin.ModelAdmin):
    """
    An admin of pages that show quote requests' data, each of which writes one access log entry with who, the
    page and its query, and the requests it showed: a page of the list (with its search and filters), a change,
    history or delete confirmation page (single or bulk), an autocomplete answer, a change, a deletion. Exports
    and downloads write theirs too. Subclasses say which requests their objects show (``requests_of``) and list
    "delete_selected" in their actions, so that the bulk deletion's page is logged.
    """

    def requests_of(self, objects):
        raise NotImplementedError

    def log_access(self, request, objects, action):
        return log_access(
            quote_requests=self.requests_of(objects),
            user=request.user,
            action=action,
            path=request.path,
            query=readable_query(request.GET),
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = shown_on(response, "cl")
        if changelist is not None:  # a page of the list, not an action's answer
            self.log_access(request, changelist.result_list, AccessLog.Action.LIST)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = shown_on(response, "original")
        if original is not None:  # the page, or the form again with its errors
            self.log_access(request, [original], AccessLog.Action.VIEW)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = shown_on(response, "object")
        if obj is not None:
            self.log_access(request, [obj], AccessLog.Action.HISTORY)
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        obj = shown_on(response, "object")
        if obj is not None:  # the confirmation page (a deletion done answers with a redirect)
            self.log_access(request, [obj], AccessLog.Action.DELETE_PAGE)
        return response

    @admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        response = delete_selected(self, request, queryset)
        if response is not None:  # the confirmation page, which lists them and what goes with them
            self.log_access(request, queryset, AccessLog.Action.DELETE_PAGE)
        return response

    def delete_model(self, request, obj):
        self.log_access(request, [obj], AccessLog.Action.DELETE)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            self.log_access(request, queryset, AccessLog.Action.DELETE)
            super().delete_queryset(request, queryset)

    def autocomplete_shown(self, request, objects):
        """Called by the admin site's autocomplete with the objects of its answer."""
        self.log_access(request, objects, AccessLog.Action.LOOKUP)


class OverdueFilter(admin.SimpleListFilter):
    title = "first response"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue")]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


class DuplicateFilter(admin.SimpleListFilter):
    title = "possible duplicate"
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(possible_duplicate_of__isnull=False)
        if self.value() == "no":
            return queryset.filter(possible_duplicate_of__isnull=True)
        return queryset


def accepted_quotes():
    return Quote.objects.filter(quote_request=OuterRef("pk"), accepted_at__isnull=False)


def accepted_on():
    """When the patient of each request first accepted one of its quotes (None if they have not)."""
    return Subquery(accepted_quotes().order_by("accepted_at").values("accepted_at")[:1])


class AcceptedFilter(admin.SimpleListFilter):
    title = "accepted"
    parameter_name = "accepted"

    def lookups(self, request, model_admin):
        return [("yes", "Accepted a quote"), ("no", "Not accepted")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Exists(accepted_quotes()))
        if self.value() == "no":
            return queryset.filter(~Exists(accepted_quotes()))
        return queryset


def may_triage():
    """The active staff accounts that may work on quote requests: Assignee offers them alone."""
    user_model = get_user_model()
    permission = Permission.objects.filter(content_type__app_label="quotes", codename="change_quoterequest")
    return (
        user_model.objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
        .order_by("username")
    )


class QuoteRequestForm(forms.ModelForm):
    class Meta:
        model = QuoteRequest
        fields = "__all__"

    def clean_status(self):
        status = self.cleaned_data["status"]
        current = self.instance.status
        if self.instance.pk and status != current and status not in self.instance.allowed_statuses():
            allowed = ", ".join(sorted(QuoteRequest.Status(s).label for s in self.instance.allowed_statuses())) or "none"
            raise ValidationError(
                "A request cannot go from “%(from)s” to “%(to)s”. From here it can go to: %(allowed)s.",
                code="bad_transition",
                params={"from": QuoteRequest.Status(current).label, "to": QuoteRequest.Status(status).label, "allowed": allowed},
            )
        return status


class ReplyTemplateSelect(forms.Select):
    """The active reply templates, each option carrying its text for reply-templates.js to fill in."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        template = getattr(value, "instance", None)
        if template is not None:
            option["attrs"]["data-body"] = template.body
        return option


class ReplyTemplateForm(forms.ModelForm):
    """
    A form whose ``text`` staff may start from a reply template: reply-templates.js fills the text in as they
    choose one. A template chosen for an empty text (without the script) is saved as the text, or, when the
    patient would read it unchecked (``completed_before_saving``), put in the form for staff to complete first.
    """

    reply_template = forms.ModelChoiceField(
        queryset=ReplyTemplate.objects.filter(is_active=True),
        required=False,
        empty_label="No template",
        widget=ReplyTemplateSelect(attrs={"class": "reply-template"}),
    )
    completed_before_saving = False
    template_help_text = ""
    empty_text_message = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["reply_template"].help_text = self.template_help_text

    def clean(self):
        cleaned_data = super().clean()
        template = cleaned_data.get("reply_template")
        if cleaned_data.get("text", "").strip():
            return cleaned_data
        if template is None:
            self.add_error("text", forms.ValidationError(self.empty_text_message, code="required"))
        elif self.completed_before_saving:
            self.data = self.data.copy()
            self.data[self.add_prefix("text")] = template.body
            self.add_error(
                "text",
                forms.ValidationError(
                    "The template's text is in the box now: complete it for this patient, then save to send it.",
                    code="template_to_complete",
                ),
            )
        else:
            cleaned_data["text"] = template.body
        return cleaned_data


class NoteForm(ReplyTemplateForm):
    template_help_text = "Starts the note with a template's text (filled in as you choose, or on saving if the note is empty)."
    empty_text_message = "Write the note, or choose a reply template."

    class Meta:
        model = Note
        fields = ["reply_template", "text"]


class NoteInline(admin.TabularInline):
    model = Note
    form = NoteForm
    extra = 1
    fields = ["reply_template", "text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    can_delete = False
    verbose_name = "internal note (never shown to the patient)"
    verbose_name_plural = "internal notes (never shown to the patient)"

    class Media:
        js = ["quotes/admin/reply-templates.js"]

    def has_change_permission(self, request, obj=None):
        return False  # notes are a record: add a new one rather than rewrite an old one

    def has_add_permission(self, request, obj=None):
        return obj is not None and request.user.has_perm("quotes.change_quoterequest")


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title", "body"]
    fields = ["title", "body", "is_active"]


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "changed_by"]
    readonly_fields = fields
    verbose_name_plural = "status history"


class ReplyForm(ReplyTemplateForm):
    # What the patient reads cannot be rewritten once sent: a template is always read and completed before.
    completed_before_saving = True
    template_help_text = "Starts the reply with a template's text, to complete for this patient before saving."
    empty_text_message = "Write the reply, or choose a reply template."

    class Meta:
        model = PatientMessage
        fields = ["reply_template", "text"]
        labels = {"text": "Reply to the patient"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None and cleaned_data.get("text", "").strip() and not latest_sent_quote(self.instance.quote_request):
            raise ValidationError(
                "The patient reads replies on their quote page: send them a quote first, or contact them directly.",
                code="no_quote_sent",
            )
        return cleaned_data


class ConversationInline(admin.StackedInline):
    """The conversation with the patient: their messages and acceptance, our replies (sent by reply_to_patient)."""

    model = PatientMessage
    form = ReplyForm
    extra = 1
    fields = ["created_at", "kind", "author", "reply_template", "text", "attachments"]
    readonly_fields = ["created_at", "kind", "author", "attachments"]
    can_delete = False
    verbose_name = "reply to the patient (they are told by an e-mail without its text)"
    verbose_name_plural = "conversation with the patient"

    class Media:
        js = ["quotes/admin/reply-templates.js"]
        css = {"all": ["quotes/admin/triage.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "quote").prefetch_related("records")

    def has_change_permission(self, request, obj=None):
        return False  # the conversation is a record: answer again rather than rewrite what was sent

    def has_add_permission(self, request, obj=None):
        return obj is not None and request.user.has_perm("quotes.add_patientmessage")

    @admin.display(description="attached")
    def attachments(self, obj):
        records = list(obj.records.all()) if obj.pk else []
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((reverse("admin:quotes_quoterequest_record", args=[obj.quote_request_id, r.pk]), r.original_name) for r in records)
        ) or "—"


class QuoteInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Quote
    extra = 0
    fields = ["currency", "valid_until", "clinic", "sent_at", "accepted_at"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "itemised quotes"  # added from the "Add an itemised quote" link, with its lines


@admin.register(QuoteRequest)
class QuoteRequestAdmin(AccessLoggedAdmin):
    form = QuoteRequestForm
    change_list_template = "admin/quotes/quoterequest/change_list.html"
    # What fits 1366 px beside the filters: the destinations, source article and duplicate are on the request's page.
    list_display = [
        "reference", "status", "priority", "assignee", "treatment_label", "country", "language_code", "age", "overdue",
        "accepted",
    ]  # fmt: skip
    list_filter = [
        "status", AcceptedFilter, OverdueFilter, "priority", "assignee", "language", "treatment", "destinations",
        DuplicateFilter,
    ]  # fmt: skip
    list_select_related = ["assignee", "treatment", "source_article", "possible_duplicate_of"]
    search_fields = ["=reference", "name", "email"]
    search_help_text = "A request's exact reference (listed first), or words of the patient's name or e-mail."
    date_hierarchy = "created_at"
    actions = ["delete_selected", "assign_to_me", "export_csv"]
    readonly_fields = [
        "reference", "created_at", "updated_at", "first_response_due", "duplicate_of", "consent_version",
        "consented_at", "source_article", "patient_responses", "add_quote_link", "record_links", "acceptance",
        "language",  # what the patient wrote in, as recorded (their e-mails and page are in it)
    ]  # fmt: skip
    inlines = [QuoteInline, ConversationInline, StatusChangeInline, NoteInline]
    fieldsets = [
        ("Triage", {"fields": ["reference", "status", "priority", "assignee", "created_at", "first_response_due", "duplicate_of"]}),
        ("Quotes and the patient's answers", {"fields": ["acceptance", "add_quote_link", "patient_responses"]}),
        ("Patient", {"fields": ["name", "email", "phone", "country", "contact_method", "language", "locale"]}),
        ("Request", {"fields": ["treatment", "treatment_other", "condition_summary", "destinations", "budget", "travel_window", "record_links"]}),
        ("Consent and source", {"classes": ["collapse"], "fields": ["consent_version", "consented_at", "source_article", "updated_at"]}),
    ]

    def get_queryset(self, request):
        queryset = self.model._default_manager.get_queryset().annotate(accepted_on=accepted_on())
        term = request.GET.get(SEARCH_VAR, "").strip()
        if term:
            # An exact reference names one request: it comes first, before those whose name or e-mail match.
            rank = Case(When(reference__iexact=term, then=Value(0)), default=Value(1), output_field=IntegerField())
            queryset = queryset.annotate(reference_rank=rank)
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset.prefetch_related("destinations")

    def get_ordering(self, request):
        ordering = list(super().get_ordering(request) or self.model._meta.ordering)
        if request.GET.get(SEARCH_VAR, "").strip():
            return ["reference_rank", *ordering]
        return ordering

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_record)
        return [
            path("<int:object_id>/records/<int:record_id>/", download, name="quotes_quoterequest_record"),
            path("report/", self.admin_site.admin_view(self.report_view), name="quotes_quoterequest_report"),
        ] + super().get_urls()

    def report_view(self, request):
        """The managers' numbers: counts only (quotes/report.py), for those who may see requests."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Triage report",
            "opts": self.opts,
            "report": triage_report(),
        }
        return TemplateResponse(request, "admin/quotes/quoterequest/report.html", context)

    def download_record(self, request, object_id, record_id):
        quote_request = get_object_or_404(QuoteRequest, pk=object_id)
        if not self.has_view_permission(request, quote_request):
            raise PermissionDenied
        record = get_object_or_404(MedicalRecord, pk=record_id, quote_request=quote_request)
        try:
            handle = record.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file of this record is missing.")
        self.log_access(request, [quote_request], AccessLog.Action.DOWNLOAD)
        extension = record.file.name.rsplit(".", 1)[-1] if "." in record.file.name else "bin"
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"{quote_request.reference}-record-{record.pk}.{extension}",
            content_type=record.content_type,
        )
        response["Cache-Control"] = "no-store"
        return response

    def has_add_permission(self, request):
        return False  # requests come from patients through the public form

    def requests_of(self, objects):
        return objects

    # A deletion goes through the erasure, so that the medical record files go too (a cascade leaves them behind).
    def delete_model(self, request, obj):
        self.delete_queryset(request, QuoteRequest.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            self.log_access(request, queryset, AccessLog.Action.DELETE)
            erase_quote_requests(queryset)

    def has_export_permission(self, request):
        return request.user.has_perm("quotes.export_quoterequest")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            for status in BULK_STATUSES:
                name = f"status_{status.value}"
                actions[name] = (self._status_action(status), name, f"Move selected requests to “{status.label}”")
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = may_triage()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        new_status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]  # the workflow records the move below
        super().save_model(request, obj, form, change)
        if change and new_status != obj.status:
            change_status(quote_request=obj, to_status=new_status, by=request.user)
        if change:
            self.log_access(request, [obj], AccessLog.Action.CHANGE)

    def save_formset(self, request, form, formset, change):
        if formset.model is PatientMessage:
            for reply in formset.save(commit=False):
                reply_to_patient(quote_request=form.instance, text=reply.text, by=request.user)
            return
        notes = formset.save(commit=False)
        for note in notes:
            if isinstance(note, Note) and note.author_id is None:
                note.author = request.user
            note.save()
        formset.save_m2m()

    @admin.display(description="treatment", ordering="treatment__name")
    def treatment_label(self, obj):
        return obj.treatment_label

    @admin.display(description="lang.", ordering="language")
    def language_code(self, obj):
        """The patient's language as a code (the column must fit the screen), named in full on hover."""
        return format_html('<abbr title="{}">{}</abbr>', obj.get_language_display(), obj.language.split("-")[0])

    @admin.display(description="destinations")
    def destination_names(self, obj):
        return ", ".join(destination.name for destination in obj.destinations.all()) or "Open"

    @admin.display(description="age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at, timezone.now(), depth=1)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()

    @admin.display(description="accepted", ordering="accepted_on")
    def accepted(self, obj):
        return date_format(timezone.localtime(obj.accepted_on), "j M Y") if obj.accepted_on else "–"

    @admin.display(description="accepted quote")
    def acceptance(self, obj):
        accepted = [quote for quote in obj.quotes.all() if quote.accepted_at] if obj.pk else []
        if not accepted:
            return "Not accepted yet."
        return format_html_join(
            mark_safe("<br>"),  # nosec B308  # a constant
            '<a href="{}">{}</a>{}, accepted by the patient on {}',
            (
                (
                    reverse("admin:quotes_quote_change", args=[quote.pk]),
                    quote,
                    f" ({quote.clinic})" if quote.clinic else "",
                    date_format(timezone.localtime(quote.accepted_at), "j F Y, H:i"),
                )
                for quote in sorted(accepted, key=lambda quote: quote.accepted_at)
            ),
        )

    @admin.display(description="medical records")
    def record_links(self, obj):
        records = list(obj.records.all()) if obj.pk else []
        if not records:
            return "None attached."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{} ({}, {} KB)</a></li>',
                (
                    (reverse("admin:quotes_quoterequest_record", args=[obj.pk, r.pk]), r.original_name, r.content_type, r.size // 1024 or 1)
                    for r in records
                ),
            ),
        )

    @admin.display(description="new quote")
    def add_quote_link(self, obj):
        if not obj.pk:
            return ""
        return format_html('<a class="addlink" href="{}?quote_request={}">Add an itemised quote</a>', reverse("admin:quotes_quote_add"), obj.pk)

    @admin.display(description="patient's answers")
    def patient_responses(self, obj):
        answers = obj.messages.exclude(kind=PatientMessage.Kind.REPLY) if obj.pk else []
        if not answers:
            return "None yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}: {} {}</li>", ((a.created_at.strftime("%d %b %Y %H:%M"), a.get_kind_display(), a.text) for a in answers)
            ),
        )

    @admin.display(description="possible duplicate of")
    def duplicate_of(self, obj):
        original = obj.possible_duplicate_of
        if original is None:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("admin:quotes_quoterequest_change", args=[original.pk]), original.reference)

    @admin.action(description="Assign selected requests to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = queryset.update(assignee=request.user, updated_at=timezone.now())
        self.message_user(request, f"{count} request(s) assigned to you.", messages.SUCCESS)

    def _status_action(self, status):
        def action(modeladmin, request, queryset):
            run_bulk_action(
                self,
                request,
                queryset,
                lambda quote_request: change_status(quote_request=quote_request, to_status=status, by=request.user),
                label=lambda quote_request: quote_request.reference,
                done=f"{{}} request(s) moved to “{status.label}”.",
                refused="Not moved, the workflow does not allow it from their status: {}.",
            )

        return action

    @admin.action(description="Export selected requests as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        queryset = queryset.select_related("treatment", "assignee", "source_article").prefetch_related("destinations")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="quote-requests-{timezone.localdate():%Y-%m-%d}.csv"'
        response["Cache-Control"] = "no-store"
        writer = csv.writer(response)
        writer.writerow(CSV_FIELDS)
        exported = list(queryset)
        for quote_request in exported:
            row = {
                field: getattr(quote_request, field) for field in CSV_FIELDS if field not in {"destinations", "treatment"}
            }
            row["treatment"] = quote_request.treatment_label
            row["destinations"] = ", ".join(d.name for d in quote_request.destinations.all())
            row["status"] = quote_request.get_status_display()
            row["priority"] = quote_request.get_priority_display()
            writer.writerow([csv_safe(row[field]) for field in CSV_FIELDS])
        self.log_access(request, exported, AccessLog.Action.EXPORT)
        return response


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    extra = 2
    fields = ["position", "kind", "description", "quantity", "unit_price", "line_total"]
    readonly_fields = ["line_total"]

    @admin.display(description="amount")
    def line_total(self, obj):
        return format_money(obj.total, obj.quote.currency, obj.quote.quote_request.locale) if obj.pk else ""


class PatientMessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PatientMessage
    extra = 0
    fields = ["created_at", "kind", "text"]
    readonly_fields = fields
    verbose_name_plural = "the patient's answers on this quote (the whole conversation is on the request)"


class QuoteForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = "__all__"
        help_texts = {
            "clinic": "The clinic or hospital that would treat the patient, when it is not in the directory (a clinic "
            "chosen from the directory gives its own name here when the quote is saved).",
        }

    def clean(self):
        cleaned_data = super().clean()
        listing, name = cleaned_data.get("clinic_listing"), cleaned_data.get("clinic", "")
        if listing and "clinic" in self.changed_data and name and name != listing.name:
            # Saving would replace the typed name with the directory's: said now, with what was typed kept.
            self.add_error(
                "clinic",
                ValidationError(
                    "“%(listing)s” is chosen from the directory, and the quote takes its name: empty this field, or "
                    "empty “Clinic in the directory” to name a clinic outside it.",
                    code="clinic_name_differs",
                    params={"listing": listing.name},
                ),
            )
        return cleaned_data


@admin.register(Quote)
class QuoteAdmin(AccessLoggedAdmin):
    form = QuoteForm
    list_display = ["__str__", "quote_request", "clinic", "total_display", "valid_until", "sent_at", "accepted_at"]
    list_select_related = ["quote_request"]
    list_filter = ["currency", "sent_at", "accepted_at"]
    search_fields = ["=quote_request__reference", "clinic"]
    autocomplete_fields = ["quote_request", "clinic_listing"]
    inlines = [QuoteLineInline, PatientMessageInline]
    readonly_fields = ["total_display", "sent_at", "accepted_at", "patient_link_display"]
    actions = ["delete_selected", "send_to_patient"]
    change_form_template = "admin/quotes/quote/change_form.html"
    fields = [
        "quote_request", "currency", "clinic_listing", "clinic", "destination", "valid_until", "notes_to_patient", "not_included", "total_display",
        "sent_at", "accepted_at", "patient_link_display",
    ]  # fmt: skip

    class Media:
        js = ["quotes/admin/quote-total.js"]
        css = {"all": ["quotes/admin/triage.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quote_request").prefetch_related("lines")

    def get_urls(self):
        return [
            path("<int:object_id>/send/", self.admin_site.admin_view(self.send_view), name="quotes_quote_send"),
            path(
                "<int:object_id>/send/patient-page/",
                self.admin_site.admin_view(self.patient_page_preview),
                name="quotes_quote_patient_page",
            ),
        ] + super().get_urls()

    def requests_of(self, objects):
        # A quote's pages show its request's reference, and the patient's messages.
        return [quote.quote_request for quote in objects]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        self.log_access(request, [obj], AccessLog.Action.CHANGE)

    @admin.display(description="total")
    def total_display(self, obj):
        locale = obj.quote_request.locale if obj.quote_request_id else DEFAULT_LOCALE
        saved = format_money(obj.total, obj.currency, locale) if obj.pk else "Save to compute the total."
        # quote-total.js adds the total of the lines as they are being edited, beside the saved one, written as the
        # patient reads it (the same locale as quotes/money.py).
        return format_html(
            '<span class="saved-total">{}</span> <output class="live-total" data-locale="{}" aria-live="polite"></output>',
            saved,
            locale.replace("_", "-"),
        )

    @admin.display(description="patient's link")
    def patient_link_display(self, obj):
        if not obj.sent_at:
            return "Made when the quote is sent (button “Send to patient”, after its preview)."
        return patient_link(obj)

    def _sendable_quote(self, request, object_id):
        quote = get_object_or_404(Quote.objects.select_related("quote_request__treatment", "destination"), pk=object_id)
        if not self.has_change_permission(request, quote):
            raise PermissionDenied
        return quote

    def send_view(self, request, object_id):
        """
        The preview of what sending the quote tells the patient (the e-mail, and a link to the page it opens, as
        the patient sees them) and the confirmation, whose POST sends it through ``send_quote``.
        """
        quote = self._sendable_quote(request, object_id)
        change_url = reverse("admin:quotes_quote_change", args=[quote.pk])
        if request.method == "POST":
            try:
                send_quote(quote=quote, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{quote.quote_request.reference}: {' '.join(error.messages)}", messages.ERROR)
                return HttpResponseRedirect(request.path)
            self.log_access(request, [quote], AccessLog.Action.CHANGE)
            self.message_user(request, f"{quote.quote_request.reference}: quote sent to the patient.", messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        try:
            check_sendable(quote)
        except ValidationError as error:
            problems = error.messages
        else:
            problems = []
        email = quote_ready_email(quote)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Send quote {quote.pk} to the patient",
            "opts": self.opts,
            "original": quote,
            "quote": quote,
            "email": email,
            "problems": problems,
            "total": format_money(quote.total, quote.currency, quote.quote_request.locale),
            "change_url": change_url,
            "patient_page_url": reverse("admin:quotes_quote_patient_page", args=[quote.pk]),
            "has_view_permission": True,
        }
        self.log_access(request, [quote], AccessLog.Action.VIEW)
        return TemplateResponse(request, "admin/quotes/quote/send_preview.html", context)

    def patient_page_preview(self, request, object_id):
        """The page the patient's link opens, rendered by the patient's own view, before it is sent."""
        from .views import PatientQuoteView  # the public view, which imports nothing of the admin

        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        quote = self._sendable_quote(request, object_id)
        view = PatientQuoteView()
        view.setup(request)
        view.quote, view.quote_request = quote, quote.quote_request
        # The quotes already sent, then this one (sent last, even when it is sent again), as the patient will see
        # them once it is sent.
        quotes = [*(sent for sent in view.sent_quotes() if sent.pk != quote.pk), quote]
        quote.quote_request = view.quote_request
        response = view.render_to_response(view.get_context_data(preview=True, quotes=quotes))
        response["X-Robots-Tag"] = "noindex, nofollow"
        self.log_access(request, [quote], AccessLog.Action.VIEW)
        return response

    @admin.action(description="Send selected quote to the patient (after its preview)", permissions=["change"])
    def send_to_patient(self, request, queryset):
        quotes = list(queryset[:2])
        if len(quotes) != 1:
            self.message_user(
                request, "Select one quote: each quote is sent from its preview, which shows what the patient gets.", messages.WARNING
            )
            return None
        return HttpResponseRedirect(reverse("admin:quotes_quote_send", args=[quotes[0].pk]))


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "references", "path", "query"]
    list_filter = ["action", "user"]
    list_select_related = ["user"]
    search_fields = ["=requests__reference", "user__username", "query"]
    search_help_text = "A request's exact reference, a username, or words of the query."
    date_hierarchy = "at"
    fields = ["at", "user", "action", "path", "query", "references"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("requests")

    @admin.display(description="requests shown")
    def references(self, obj):
        return ", ".join(accessed.reference for accessed in obj.requests.all()) or "None"

