"""
The editorial desk (the admin's index page) for each role: the lists of articles that need the user, with
their counts. Each list is a bounded number of queries (a count and one page of rows), whatever the size of
the archive; the rules they show are the articles' own (``published()``, ``due_for_review()``).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Article

LIST_SIZE = 8
CALENDAR_DAYS = 14


@dataclass
class Panel:
    key: str
    title: str
    empty: str
    count: int
    rows: list
    more_url: str = ""
    columns: tuple = field(default=())


def _panel(key, title, empty, queryset, *, more_url="", size=LIST_SIZE):
    rows = list(queryset[:size])
    count = queryset.order_by().count()
    return Panel(key=key, title=title, empty=empty, count=count, rows=rows, more_url=more_url)


def mine(user):
    """Articles of ``user``: started by them, or signed with their author profile."""
    authored = Article.authors.through.objects.filter(author__user=user).values("article_id")
    return Q(created_by=user) | Q(pk__in=authored)


def editorial_panels(user):
    """The desk's article lists for ``user`` (who may view articles)."""
    changelist = reverse("admin:articles_article_changelist")
    listed = Article.objects.select_related("category")
    panels = []
    reviewer = user.has_perm("articles.review_article")
    if reviewer:
        panels.append(_panel(
            "to_review", "Waiting for your review", "Nothing is waiting for a medical review.",
            listed.filter(awaiting_review=True).select_related("submitted_by").order_by("submitted_at", "pk"),
            more_url=f"{changelist}?status__exact={Article.Status.IN_REVIEW}",
        ))  # fmt: skip
    panels.append(_panel(
        "sent_back", "Sent back to you", "No article of yours is waiting for changes.",
        listed.filter(Q(submitted_by=user) | Q(submitted_by=None, created_by=user), status=Article.Status.DRAFT)
        .exclude(changes_requested_at=None)
        .select_related("changes_requested_by")
        .order_by("-changes_requested_at", "-pk"),
    ))  # fmt: skip
    panels.append(_panel(
        "drafts", "Your drafts", "You have no drafts.",
        listed.filter(mine(user), status=Article.Status.DRAFT).order_by("-updated_at", "-pk"),
        more_url=f"{changelist}?status__exact={Article.Status.DRAFT}",
    ))  # fmt: skip
    if not reviewer:
        panels.append(_panel(
            "in_review", "In medical review", "Nothing is waiting for a medical review.",
            listed.filter(awaiting_review=True).select_related("submitted_by").order_by("submitted_at", "pk"),
            more_url=f"{changelist}?status__exact={Article.Status.IN_REVIEW}",
        ))  # fmt: skip
    if user.has_perm("articles.publish_article"):
        panels.append(_panel(
            "signed_off", "Signed off, ready to publish", "No signed-off article waits to be published.",
            listed.filter(status=Article.Status.IN_REVIEW, awaiting_review=False).select_related("signed_off_by")
            .order_by("-signed_off_at", "-pk"),
            more_url=f"{changelist}?status__exact={Article.Status.IN_REVIEW}",
        ))  # fmt: skip
    panels.append(_panel(
        "reviews_due", "Medical re-reviews due", "No medical article is due for re-review within 30 days.",
        listed.due_for_review().select_related("medical_reviewer").order_by("review_due", "pk"),
        more_url=reverse("admin:articles_reviewduearticle_changelist"),
    ))  # fmt: skip
    panels.append(_panel(
        "recent", "Recently published", "Nothing has been published yet.",
        Article.objects.published().select_related("category").order_by("-published_at", "-pk"),
        more_url=f"{changelist}?state=live",
    ))  # fmt: skip
    return panels


def schedule_calendar(now=None, days=CALENDAR_DAYS):
    """The next ``days`` days, one (date, [articles going live that day]) row each, from one query."""
    now = timezone.now() if now is None else now
    today = timezone.localdate(now)
    end = timezone.make_aware(timezone.datetime.combine(today + timedelta(days=days), timezone.datetime.min.time()))
    scheduled = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now, published_at__lt=end)
        .select_related("category")
        .order_by("published_at", "pk")
    )
    by_day = {today + timedelta(days=offset): [] for offset in range(days)}
    for article in scheduled:
        by_day.setdefault(timezone.localdate(article.published_at), []).append(article)
    return list(by_day.items())


def desk(user):
    """Everything the desk shows ``user`` about articles; empty for staff who may not see articles."""
    if not user.has_perm("articles.view_article"):
        return {}
    calendar = schedule_calendar()
    return {
        "panels": editorial_panels(user),
        "calendar": calendar,
        "scheduled_count": sum(len(articles) for _, articles in calendar),
        "changelist_url": reverse("admin:articles_article_changelist"),
        "add_url": reverse("admin:articles_article_add") if user.has_perm("articles.add_article") else "",
    }
