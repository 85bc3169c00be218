from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from modeltranslation.admin import TranslationAdmin

from magazine.admin_site import NeedToKnowAdminMixin

from .forms import AccreditationForm, ClinicForm, DestinationPageForm
from .models import Accreditation, Clinic, DestinationPage

EXPIRING_DAYS = 60


def accreditation_status(accreditation):
    """“valid until …”, or “EXPIRED on …”: what staff read beside each accreditation."""
    if accreditation.valid_until is None:
        return "—"
    day = f"{accreditation.valid_until:%d %b %Y}"
    if not accreditation.is_valid():
        return format_html('<strong class="accreditation-expired">Expired on {}</strong>', day)
    if accreditation.valid_until <= timezone.localdate() + timedelta(days=EXPIRING_DAYS):
        return format_html("Valid until {} <strong>(expires soon)</strong>", day)
    return f"Valid until {day}"


class AccreditationStatusFilter(admin.SimpleListFilter):
    title = "accreditation"
    parameter_name = "accreditation"

    def lookups(self, request, model_admin):
        return [("valid", "Valid"), ("expiring", f"Expiring within {EXPIRING_DAYS} days"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + timedelta(days=EXPIRING_DAYS)
        field = "valid_until" if queryset.model is Accreditation else "accreditations__valid_until"
        if self.value() == "valid":
            return queryset.filter(**{f"{field}__gte": today}).distinct()
        if self.value() == "expiring":
            return queryset.filter(**{f"{field}__gte": today, f"{field}__lte": soon}).distinct()
        if self.value() == "expired":
            return queryset.filter(**{f"{field}__lt": today}).distinct()
        return queryset


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    form = AccreditationForm
    extra = 1
    fields = ["body", "body_other", "valid_until", "certificate_url", "status"]
    readonly_fields = ["status"]

    @admin.display(description="status")
    def status(self, obj):
        return accreditation_status(obj) if obj.pk else "—"


@admin.register(Clinic)
class ClinicAdmin(NeedToKnowAdminMixin, TranslationAdmin):  # its description in every language (clinics/translation.py)
    form = ClinicForm
    list_display = ["name", "kind", "city", "country", "accreditation_list", "is_listed", "updated_at"]
    list_display_links = ["name"]
    list_filter = ["is_listed", "kind", AccreditationStatusFilter, "country", "treatments"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["treatments"]
    inlines = [AccreditationInline]
    actions = ["list_clinics", "unlist_clinics"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "city", "country", "is_listed"]}),
        ("What it offers", {"fields": ["treatments", "languages", "website", "description"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("accreditations")

    @admin.display(description="accreditations")
    def accreditation_list(self, obj):
        accreditations = list(obj.accreditations.all())
        if not accreditations:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((accreditation.body_name, accreditation_status(accreditation)) for accreditation in accreditations),
        )

    @admin.action(description="List the selected clinics on the site", permissions=["change"])
    def list_clinics(self, request, queryset):
        self._set_listed(request, queryset, True)

    @admin.action(description="Take the selected clinics off the site", permissions=["change"])
    def unlist_clinics(self, request, queryset):
        self._set_listed(request, queryset, False)

    def _set_listed(self, request, queryset, listed):
        # Saved one by one: each save is logged and raises the site version (magazine/pagecache).
        changed = 0
        for clinic in queryset.exclude(is_listed=listed):
            clinic.is_listed = listed
            clinic.save(update_fields=["is_listed", "updated_at"])
            self.log_change(request, clinic, "Listed on the site." if listed else "Taken off the site.")
            changed += 1
        self.message_user(request, f"{changed} clinic{'s' if changed != 1 else ''} {'listed' if listed else 'taken off the site'}.")


@admin.register(Accreditation)
class AccreditationAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    form = AccreditationForm
    list_display = ["clinic", "body_label", "status"]
    list_filter = [AccreditationStatusFilter, "body"]
    list_select_related = ["clinic"]
    search_fields = ["clinic__name", "body_other"]
    autocomplete_fields = ["clinic"]
    ordering = ["valid_until"]
    date_hierarchy = "valid_until"

    @admin.display(description="accrediting body", ordering="body")
    def body_label(self, obj):
        return obj.body_name

    @admin.display(description="status", ordering="valid_until")
    def status(self, obj):
        return accreditation_status(obj)


@admin.register(DestinationPage)
class DestinationPageAdmin(NeedToKnowAdminMixin, TranslationAdmin):  # its title and introduction in every language
    form = DestinationPageForm
    list_display = ["title", "treatment", "country", "price_display", "price_date", "is_published"]
    list_filter = ["is_published", "country", "treatment"]
    list_select_related = ["treatment"]
    search_fields = ["title", "treatment__name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    fieldsets = [
        (None, {"fields": ["treatment", "country", "title", "slug", "intro", "is_published"]}),
        (
            "Typical price",
            {
                "description": "Both ends of the range, with the date they were checked and their source; or none of them.",
                "fields": [("price_low", "price_high", "currency"), "price_date", "price_source", "price_source_url"],
            },
        ),
        ("Further reading", {"fields": ["tags"]}),
    ]

    @admin.display(description="typical price")
    def price_display(self, obj):
        return obj.price_range or "—"
