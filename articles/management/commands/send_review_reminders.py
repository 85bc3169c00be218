from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, ReviewReminder


class Command(BaseCommand):
    help = (
        "E-mail each medical reviewer the articles whose re-review is due or overdue. Run it daily from cron: "
        "a reviewer gets at most one reminder a day, however often it runs."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        due = Article.objects.due_for_review().filter(medical_reviewer__isnull=False).select_related("category")
        sent = skipped = 0
        for reviewer in Author.objects.filter(pk__in=due.values("medical_reviewer")).select_related("user"):
            articles = list(due.filter(medical_reviewer=reviewer).order_by("review_due", "pk"))
            email = reviewer.user.email if reviewer.user else ""
            if not email:
                self.stderr.write(f"{reviewer.name} has {len(articles)} article(s) due but no staff account with an e-mail address.")
                skipped += 1
                continue
            try:
                with transaction.atomic():
                    ReviewReminder.objects.create(reviewer=reviewer, sent_on=today, article_count=len(articles))
                    context = {
                        "reviewer": reviewer,
                        "articles": articles,
                        "today": today,
                        "report_url": settings.SITE_URL + reverse("admin:articles_reviewduearticle_changelist"),
                        "site_url": settings.SITE_URL,
                    }
                    send_mail(
                        f"{len(articles)} medical review(s) due",
                        render_to_string("articles/email/review_reminder.txt", context),
                        None,
                        [email],
                    )
            except IntegrityError:
                skipped += 1  # already reminded today
                continue
            except OSError as error:
                # Not recorded as sent, so tomorrow's run (or a rerun today) tries again.
                self.stderr.write(f"Could not e-mail {reviewer.name}: {error}")
                skipped += 1
                continue
            sent += 1
        self.stdout.write(f"Sent {sent} reminder(s); skipped {skipped}.")
