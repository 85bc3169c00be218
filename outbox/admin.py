from django.contrib import admin
from django.utils import timezone

from magazine.admin_site import ReadOnlyAdminMixin, run_bulk_action

from . import services
from .models import OVERDUE_AFTER, UNCONFIRMED_AFTER, Email, NewsletterEmail, QuoteEmail, ReviewReminderEmail


class NeedsAttention(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", "Failed, unconfirmed or overdue")]

    def queryset(self, request, queryset):
        return queryset.needs_attention() if self.value() == "yes" else queryset


@admin.register(QuoteEmail, ReviewReminderEmail, NewsletterEmail)
class EmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """
    What the outbox did with each e-mail, for the staff whose business it is. The body is never shown: the
    quote-ready e-mail holds the patient's link, which opens their quote without a login.
    """

    list_display = ("created_at", "about", "subject", "recipient_list", "state", "attempts", "last_error")
    list_filter = (NeedsAttention, "status")
    search_fields = ("about", "subject")
    date_hierarchy = "created_at"
    fields = (
        "about", "subject", "recipient_list", "state", "attempts", "created_at", "last_attempt_at",
        "next_attempt_at", "sent_at", "last_error",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description="to")
    def recipient_list(self, email):
        return ", ".join(email.recipients)

    @admin.display(description="state", ordering="status")
    def state(self, email):
        now = timezone.now()
        if email.status == Email.Status.SENDING and email.last_attempt_at < now - UNCONFIRMED_AFTER:
            return "unconfirmed: the worker stopped while sending it, so it may have left"
        if email.status == Email.Status.QUEUED and email.next_attempt_at < now - OVERDUE_AFTER:
            return "overdue: no worker has sent it"
        if email.status == Email.Status.QUEUED and email.attempts:
            return f"waiting to be sent again at {timezone.localtime(email.next_attempt_at):%H:%M:%S}"
        return email.get_status_display()

    def has_resend_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.resend_{self.opts.model_name}")

    @admin.action(description="Send the selected e-mails again", permissions=["resend"])
    def send_again(self, request, queryset):
        run_bulk_action(
            self, request, queryset, services.send_again,
            label=lambda email: email.subject,
            done="{} e-mail(s) queued to be sent again.",
            refused="Not sent again, as they are sent or on their way: {}.",
        )  # fmt: skip

