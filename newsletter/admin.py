import csv

from django.contrib import admin
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.utils import timezone

from magazine.admin_site import NeedToKnowAdminMixin, ReadOnlyAdminMixin, run_bulk_action
from magazine.spreadsheets import csv_safe

from . import services
from .models import Digest, Subscriber

CSV_FIELDS = [
    "email", "status", "signed_up_at", "confirmed_at", "unsubscribed_at", "source_page", "consent_version",
    "consent_text",
]  # fmt: skip


class Echo:
    """A file-like object for csv.writer that hands each row back, for a streamed export."""

    def write(self, value):
        return value


@admin.register(Subscriber)
class SubscriberAdmin(NeedToKnowAdminMixin, admin.ModelAdmin):
    """
    The newsletter's subscribers, for the staff who run it. Nobody is added here: a subscription starts with the
    reader's own sign-up and their click on the confirmation link (double opt-in). What they agreed to, when and
    where, is shown as it was stored.
    """

    list_display = ("email", "status", "signed_up_at", "confirmed_at", "unsubscribed_at", "source_page")
    list_filter = ("status", "consent_version")
    search_fields = ("email",)
    date_hierarchy = "signed_up_at"
    list_per_page = 100
    show_full_result_count = False  # a count of a large table on every page of the list
    fields = (
        "email", "status", "signed_up_at", "confirmed_at", "unsubscribed_at", "source_page", "consent_version",
        "consent_text", "confirmation_sent_at", "confirmations_sent",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["unsubscribe_selected", "export_csv", "delete_selected"]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.erase([obj])

    def delete_queryset(self, request, queryset):
        services.erase(queryset)

    def has_export_permission(self, request):
        return request.user.has_perm("newsletter.export_subscriber")

    @admin.action(description="Unsubscribe the selected subscribers", permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        run_bulk_action(
            self, request, queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED).iterator(chunk_size=500),
            services.unsubscribe, label=str, done="{} subscriber(s) unsubscribed.",
        )  # fmt: skip

    @admin.action(description="Export the selected subscribers as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        writer = csv.writer(Echo())

        def rows():
            yield writer.writerow(CSV_FIELDS)
            for subscriber in queryset.order_by("pk").iterator(chunk_size=2000):
                row = {field: getattr(subscriber, field) for field in CSV_FIELDS}
                row["status"] = subscriber.get_status_display()
                for field in ("signed_up_at", "confirmed_at", "unsubscribed_at"):
                    row[field] = row[field].isoformat() if row[field] else ""
                yield writer.writerow([csv_safe(row[field]) for field in CSV_FIELDS])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{timezone.localdate():%Y-%m-%d}.csv"'
        response["Cache-Control"] = "no-store"
        return response


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The digests sent (``manage.py send_newsletter_digest``): what each held and how many it went to."""

    list_display = ("week", "subject", "article_count", "recipients", "completed_at")
    date_hierarchy = "week"
    fields = ("week", "subject", "period_start", "period_end", "article_titles", "recipients", "created_at", "completed_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, digest):
        return digest.article_total

    @admin.display(description="articles")
    def article_titles(self, digest):
        return "; ".join(digest.articles.order_by("-published_at").values_list("title", flat=True))
