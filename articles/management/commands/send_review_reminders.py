from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, ReviewReminder
from outbox.models import Email
from outbox.services import queue_email


class Command(BaseCommand):
    help = (
        "E-mail each medical reviewer the articles whose re-review is due or overdue. Run it daily from cron: "
        "a reviewer gets at most one reminder a day, however often it runs."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        due = Article.objects.due_for_review().filter(medical_reviewer__isnull=False).select_related("category")
        queued = skipped = 0
        for reviewer in Author.objects.filter(pk__in=due.values("medical_reviewer")).select_related("user"):
            articles = list(due.filter(medical_reviewer=reviewer).order_by("review_due", "pk"))
            email = reviewer.user.email if reviewer.user else ""
            if not email:
                self.stderr.write(f"{reviewer.name} has {len(articles)} article(s) due but no staff account with an e-mail address.")
                skipped += 1
                continue
            context = {
                "reviewer": reviewer,
                "articles": articles,
                "today": today,
                "report_url": settings.SITE_URL + reverse("admin:articles_reviewduearticle_changelist"),
                "site_url": settings.SITE_URL,
            }
            try:
                # The day's reminder and its e-mail are written together: the worker sends it, retrying while the
                # mail server is down, and a second run the same day finds the reminder and queues nothing.
                with transaction.atomic():
                    ReviewReminder.objects.create(reviewer=reviewer, sent_on=today, article_count=len(articles))
                    queue_email(
                        topic=Email.Topic.REVIEWS,
                        about=f"{reviewer.name}, {today}",
                        subject=f"{len(articles)} medical review(s) due",
                        body=render_to_string("articles/email/review_reminder.txt", context),
                        to=[email],
                    )
            except IntegrityError:
                skipped += 1  # already reminded today
                continue
            queued += 1
        self.stdout.write(f"Queued {queued} reminder(s) for the mail worker; skipped {skipped}.")
