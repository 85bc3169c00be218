from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from editing.linkcheck import check_urls, published_article_links
from editing.services import record_link_results


class Command(BaseCommand):
    help = (
        "Check the external links of published articles (their bodies and references) and list the broken ones "
        "for editors (admin: Editor tools > Broken links). Run it daily or weekly from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=8, help="Addresses checked at once (default 8).")
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to connect, and to wait for an answer (default 10).")

    def handle(self, *args, concurrency, timeout, **options):
        if not 1 <= concurrency <= 64:
            raise CommandError("--concurrency must be between 1 and 64.")
        if not 0 < timeout <= 120:
            raise CommandError("--timeout must be between 0 and 120 seconds.")
        started = timezone.now()
        article_links = published_article_links()
        urls = sorted({url for urls in article_links.values() for url in urls})
        broken = check_urls(urls, concurrency=concurrency, timeout=timeout)
        record_link_results(article_links=article_links, results=broken, checked_at=started)
        self.stdout.write(
            f"Checked {len(urls)} address(es) of {len(article_links)} published article(s): {len(broken)} broken."
        )
        for url, (status, error) in sorted(broken.items()):
            self.stdout.write(f"  {url}: {error}")
