"""The triage part of the admin's desk: how many requests wait, with links to them (counts only, no patient data)."""

from django.urls import reverse

from .models import QuoteRequest


def desk(user):
    if not user.has_perm("quotes.view_quoterequest"):
        return {}
    changelist = reverse("admin:quotes_quoterequest_changelist")
    requests = QuoteRequest.objects.order_by()
    return {
        "quote_summary": {
            "new": requests.filter(status=QuoteRequest.Status.NEW).count(),
            "overdue": requests.overdue().count(),
            "open": requests.open().count(),
            "new_url": f"{changelist}?status__exact={QuoteRequest.Status.NEW}",
            "overdue_url": f"{changelist}?overdue=yes",
            "changelist_url": changelist,
        }
    }
