import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy

from magazine.admin_site import NeedToKnowAdminMixin, ReadOnlyAdminMixin, run_bulk_action

from .models import AccessLog, Destination, MedicalRecord, Note, PatientMessage, Quote, QuoteLine, QuoteRequest, StatusChange, Treatment
from .services import change_status, erase_quote_requests, log_access, patient_link, retire_catalogue_entries, send_quote

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
    "condition_summary", "destinations", "budget", "travel_window", "contact_method", "assignee", "source_article",
]  # fmt: skip


def csv_safe(value):
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


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
class TreatmentAdmin(CatalogueAdmin):
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


class NoteInline(admin.TabularInline):
    model = Note
    extra = 1
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    can_delete = False
    verbose_name = "internal note (never shown to the patient)"
    verbose_name_plural = "internal notes (never shown to the patient)"

    def has_change_permission(self, request, obj=None):
        return False  # notes are a record: add a new one rather than rewrite an old one

    def has_add_permission(self, request, obj=None):
        return obj is not None and request.user.has_perm("quotes.change_quoterequest")


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "changed_by"]
    readonly_fields = fields
    verbose_name_plural = "status history"


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
    list_display = [
        "reference", "status", "priority", "assignee", "treatment_label", "destination_names", "country", "age",
        "overdue", "duplicate_of", "source_article",
    ]  # fmt: skip
    list_filter = ["status", OverdueFilter, "priority", "assignee", "treatment", "destinations", DuplicateFilter]
    list_select_related = ["assignee", "treatment", "source_article", "possible_duplicate_of"]
    search_fields = ["=reference", "name", "email"]
    date_hierarchy = "created_at"
    actions = ["delete_selected", "assign_to_me", "export_csv"]
    readonly_fields = [
        "reference", "created_at", "updated_at", "first_response_due", "duplicate_of", "consent_version",
        "consented_at", "source_article", "patient_responses", "add_quote_link", "record_links",
    ]  # fmt: skip
    inlines = [QuoteInline, StatusChangeInline, NoteInline]
    fieldsets = [
        ("Triage", {"fields": ["reference", "status", "priority", "assignee", "created_at", "first_response_due", "duplicate_of"]}),
        ("Quotes and the patient's answers", {"fields": ["add_quote_link", "patient_responses"]}),
        ("Patient", {"fields": ["name", "email", "phone", "country", "contact_method"]}),
        ("Request", {"fields": ["treatment", "treatment_other", "condition_summary", "destinations", "budget", "travel_window", "record_links"]}),
        ("Consent and source", {"classes": ["collapse"], "fields": ["consent_version", "consented_at", "source_article", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("destinations")

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_record)
        return [
            path("<int:object_id>/records/<int:record_id>/", download, name="quotes_quoterequest_record"),
        ] + super().get_urls()

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
            kwargs["queryset"] = db_field.related_model.objects.filter(is_active=True, is_staff=True).order_by("username")
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
        notes = formset.save(commit=False)
        for note in notes:
            if isinstance(note, Note) and note.author_id is None:
                note.author = request.user
            note.save()
        formset.save_m2m()

    @admin.display(description="treatment", ordering="treatment__name")
    def treatment_label(self, obj):
        return obj.treatment_label

    @admin.display(description="destinations")
    def destination_names(self, obj):
        return ", ".join(destination.name for destination in obj.destinations.all()) or "Open"

    @admin.display(description="age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at, timezone.now(), depth=1)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()

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
        answers = PatientMessage.objects.filter(quote__quote_request=obj).order_by("created_at")
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
        return obj.total if obj.pk else ""


class PatientMessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PatientMessage
    extra = 0
    fields = ["created_at", "kind", "text"]
    readonly_fields = fields
    verbose_name_plural = "the patient's answers"


@admin.register(Quote)
class QuoteAdmin(AccessLoggedAdmin):
    list_display = ["__str__", "quote_request", "total_display", "valid_until", "sent_at", "accepted_at"]
    list_select_related = ["quote_request"]
    list_filter = ["currency", "sent_at", "accepted_at"]
    search_fields = ["=quote_request__reference", "clinic"]
    autocomplete_fields = ["quote_request", "clinic_listing"]
    inlines = [QuoteLineInline, PatientMessageInline]
    readonly_fields = ["total_display", "sent_at", "accepted_at", "patient_link_display"]
    actions = ["delete_selected", "send_to_patient"]
    fields = [
        "quote_request", "currency", "clinic_listing", "clinic", "destination", "valid_until", "notes_to_patient", "total_display",
        "sent_at", "accepted_at", "patient_link_display",
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quote_request").prefetch_related("lines")

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
        return f"{obj.currency} {obj.total}" if obj.pk else "Save to compute the total."

    @admin.display(description="patient's link")
    def patient_link_display(self, obj):
        if not obj.sent_at:
            return "Made when the quote is sent (action “Send selected quotes to the patient”)."
        return patient_link(obj)

    @admin.action(description="Send selected quotes to the patient", permissions=["change"])
    def send_to_patient(self, request, queryset):
        for quote in queryset.select_related("quote_request"):
            try:
                send_quote(quote=quote, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{quote.quote_request.reference}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{quote.quote_request.reference}: quote sent to the patient.", messages.SUCCESS)


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

