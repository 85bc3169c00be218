from django.core.management.base import BaseCommand

from articles.search import refresh_words


class Command(BaseCommand):
    help = (
        "Keeps the words of every article title, tag and category name for correcting misspelt searches, and drops "
        "words no title or name uses any more. Saving an article keeps its words by itself: run this after a bulk "
        "import or a mass deletion."
    )

    def handle(self, *args, **options):
        count = refresh_words()
        self.stdout.write(self.style.SUCCESS(f"{count:,} words kept for search corrections."))
