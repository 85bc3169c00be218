from datetime import timedelta

from django.core.management.base import BaseCommand

from newsletter import services


class Command(BaseCommand):
    help = (
        "Queue this week's digest of new articles to every active subscriber, in batches. Run it weekly (cron or a "
        "systemd timer); running it again the same week sends nobody the digest twice, and finishes a run that stopped. It also erases "
        "the sign-ups never confirmed within NEWSLETTER_PENDING_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="Subscribers queued per transaction (500).")
        parser.add_argument(
            "--first-days", type=int, default=7,
            help="For the very first digest: how many days of articles it covers (7).",
        )  # fmt: skip

    def handle(self, *args, batch, first_days, **options):
        erased = services.purge_unconfirmed()
        if erased:
            self.stdout.write(f"Erased {erased} sign-up(s) never confirmed.")
        digest = services.prepare_digest(first_period=timedelta(days=first_days))
        if digest is None:
            self.stdout.write("No digest to send: nothing new since the last one, or this week's is sent.")
            return
        queued = services.send_digest(digest, batch_size=max(1, batch))
        self.stdout.write(
            f"Digest of the week of {digest.week:%Y-%m-%d} ({digest.articles.count()} article(s)): "
            f"queued to {queued} subscriber(s) now, {digest.recipients} in all."
        )
