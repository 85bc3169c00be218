from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from quotes.models import QuoteRequest
from quotes.services import erase_quote_requests


class Command(BaseCommand):
    help = "Erase every quote request of a patient on request (right to erasure), with their files, and report it."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The patient's e-mail address (case does not matter).")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be erased.")

    def handle(self, *args, email, dry_run, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an e-mail address.")
        requests = QuoteRequest.objects.filter(email__iexact=email)
        if dry_run:
            references = list(requests.values_list("reference", flat=True))
            self.stdout.write(f"Would erase {len(references)} request(s): {', '.join(references) or 'none'}.")
            return
        references, files = erase_quote_requests(requests)
        if not references:
            self.stdout.write("No quote request has that e-mail address: nothing to erase.")
            return
        self.stdout.write(
            f"Erased {len(references)} request(s) ({', '.join(references)}) with their notes, quotes, "
            f"answers and {files} record file(s)."
        )
