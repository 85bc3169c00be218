"""
The managers' triage report: counts only, never a patient's data, in a fixed number of queries whatever the
number of requests (the medians are computed here over one list of two dates per request).
"""

from datetime import datetime, time, timedelta
from statistics import median

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from .models import QuoteRequest

WEEKS = 12
OTHER_TREATMENT = "Other (described by the patient)"
NO_ARTICLE = "No article (direct visit)"


def report_start(now=None):
    """Monday 00:00 (local time) of the oldest of the last WEEKS weeks, this one included."""
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    return timezone.make_aware(datetime.combine(monday, time.min))


def triage_report(now=None):
    start = report_start(now)
    recent = QuoteRequest.objects.filter(created_at__gte=start)
    statuses = list(QuoteRequest.Status)

    # 1. Requests per week and status.
    weeks = [(start + timedelta(weeks=n)).date() for n in range(WEEKS)]
    table = {week: dict.fromkeys(statuses, 0) for week in weeks}
    per_week = (
        recent.annotate(week=TruncWeek("created_at")).values("week", "status").annotate(count=Count("pk")).order_by()
    )
    for row in per_week:
        week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        if week in table:
            table[week][QuoteRequest.Status(row["status"])] += row["count"]
    rows = [{"week": week, "counts": [table[week][s] for s in statuses], "total": sum(table[week].values())} for week in weeks]

    # 2. Time to first response: from the request to the first move out of "New" by staff.
    answered = (
        recent.annotate(first=Min("status_changes__changed_at", filter=Q(status_changes__from_status=QuoteRequest.Status.NEW)))
        .exclude(first=None)
        .values_list("created_at", "first")
    )
    hours = [(first - created).total_seconds() / 3600 for created, first in answered]

    # 3. Overdue now.
    overdue = QuoteRequest.objects.overdue().count()

    # 4. Acceptance per treatment and per source article.
    def acceptance(group_by, empty_label):
        rows = (
            recent.values(group_by)
            .annotate(
                requests=Count("pk", distinct=True),
                quoted=Count("pk", filter=Q(quotes__sent_at__isnull=False), distinct=True),
                accepted=Count("pk", filter=Q(quotes__accepted_at__isnull=False), distinct=True),
            )
            .order_by("-requests", group_by)
        )
        return [
            {
                "label": row[group_by] or empty_label,
                "requests": row["requests"],
                "quoted": row["quoted"],
                "accepted": row["accepted"],
                "rate": row["accepted"] / row["quoted"] if row["quoted"] else None,
            }
            for row in rows
        ]

    return {
        "start": start,
        "statuses": statuses,
        "weeks": rows,
        "answered": len(hours),
        "median_hours": median(hours) if hours else None,
        "overdue": overdue,
        "by_treatment": acceptance("treatment__name", OTHER_TREATMENT),
        "by_article": acceptance("source_article__title", NO_ARTICLE),
    }
