from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quotes.models import QuoteRequest
from quotes.services import erase_quote_requests


class Command(BaseCommand):
    help = (
        "Delete closed quote requests (won, lost, duplicate, spam) untouched for longer than the retention period "
        "(QUOTE_RETENTION_DAYS), with their notes, quotes and medical record files. Safe to run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Retention in days (default: QUOTE_RETENTION_DAYS).")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be deleted.")

    def handle(self, *args, days, dry_run, **options):
        days = settings.QUOTE_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("The retention period must be at least one day.")
        cutoff = timezone.now() - timedelta(days=days)
        expired = QuoteRequest.objects.closed().filter(updated_at__lt=cutoff)
        if dry_run:
            references = list(expired.values_list("reference", flat=True))
            self.stdout.write(f"Would delete {len(references)} closed request(s) older than {days} days: {', '.join(references) or 'none'}.")
            return
        references, files = erase_quote_requests(expired)
        self.stdout.write(
            f"Deleted {len(references)} closed request(s) older than {days} days and {files} record file(s)"
            + (f": {', '.join(references)}." if references else ".")
        )
