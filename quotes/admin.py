from django.contrib import admin, messages
from django.utils import timezone
from django.utils.timesince import timesince

from .models import Destination, QuoteRequest, Treatment


@admin.register(Treatment)
class TreatmentAdmin(admin.ModelAdmin):
    list_display = ["name", "is_experimental", "is_active", "related_article", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_experimental", "is_active"]
    list_select_related = ["related_article"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["related_article"]


@admin.register(Destination)
class DestinationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]


@admin.register(QuoteRequest)
class QuoteRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "status", "assignee", "treatment_label", "destination_names", "country", "age", "source_article"]
    list_filter = ["status", "assignee", "treatment", "destinations"]
    list_select_related = ["assignee", "treatment", "source_article"]
    search_fields = ["=reference", "name", "email"]
    date_hierarchy = "created_at"
    actions = ["assign_to_me", "mark_spam"]
    readonly_fields = ["reference", "consent_version", "consented_at", "source_article", "created_at", "updated_at"]
    fieldsets = [
        ("Triage", {"fields": ["reference", "status", "assignee", "created_at", "updated_at"]}),
        ("Patient", {"fields": ["name", "email", "phone", "country", "contact_method"]}),
        ("Request", {"fields": ["treatment", "treatment_other", "condition_summary", "destinations", "budget", "travel_window"]}),
        ("Consent and source", {"fields": ["consent_version", "consented_at", "source_article"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("destinations")

    def has_add_permission(self, request):
        return False  # requests come from patients through the public form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = db_field.related_model.objects.filter(is_active=True, is_staff=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="treatment", ordering="treatment__name")
    def treatment_label(self, obj):
        return obj.treatment_label

    @admin.display(description="destinations")
    def destination_names(self, obj):
        return ", ".join(destination.name for destination in obj.destinations.all()) or "Open"

    @admin.display(description="age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at, timezone.now(), depth=1)

    @admin.action(description="Assign selected requests to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = queryset.update(assignee=request.user, updated_at=timezone.now())
        self.message_user(request, f"{count} request(s) assigned to you.", messages.SUCCESS)

    @admin.action(description="Mark selected requests as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        count = queryset.update(status=QuoteRequest.Status.SPAM, updated_at=timezone.now())
        self.message_user(request, f"{count} request(s) marked as spam.", messages.SUCCESS)
