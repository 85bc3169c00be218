from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinics.models import Clinic
from quotes.clinic_links import link_name, link_quotes_by_name
from quotes.models import Quote


def describe(clinic):
    return f"{clinic.slug} ({clinic.name}, {clinic.city}, {clinic.country.name})"


class Command(BaseCommand):
    help = (
        "Link the quotes that name their clinic in words only (written before the clinics directory, or naming a "
        "clinic that was not in it) to the directory's clinic of the same name, case and spacing aside; list the "
        "names that match several clinics or none. With --name and --clinic, link the quotes of a name to the "
        "clinic a human chose."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", help="A clinic's name as the quotes type it (case and spacing aside).")
        parser.add_argument("--clinic", metavar="SLUG", help="The directory's clinic to link the quotes of --name to (its slug).")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be linked.")

    def handle(self, *args, name, clinic, dry_run, **options):
        if bool(name) != bool(clinic):
            raise CommandError("Give --name and --clinic together: the quotes' clinic name, and the clinic to link them to.")
        if name:
            self.link_chosen(name=name, slug=clinic, dry_run=dry_run)
        else:
            self.link_same_names(dry_run=dry_run)

    def link_chosen(self, *, name, slug, dry_run):
        clinic = Clinic.objects.filter(slug=slug.strip()).first()
        if clinic is None:
            raise CommandError(f"No clinic of the directory has the slug {slug!r}.")
        count = link_name(quotes=Quote.objects.all(), name=name, clinic=clinic, dry_run=dry_run)
        if not count:
            raise CommandError(f"No quote names its clinic {name!r} without a clinic of the directory: nothing to link.")
        verb = "Would link" if dry_run else "Linked"
        self.stdout.write(f"{verb} {count} quote(s) naming “{' '.join(name.split())}” to {describe(clinic)}.")

    def link_same_names(self, *, dry_run):
        with transaction.atomic():
            links = link_quotes_by_name(quotes=Quote.objects.all(), clinics=Clinic.objects.all(), dry_run=dry_run)
        verb = "Would link" if dry_run else "Linked"
        total = sum(links.linked.values())
        self.stdout.write(f"{verb} {total} quote(s) to the directory's clinic of the same name.")
        for clinic_name, count in sorted(links.linked.items()):
            self.stdout.write(f"  {clinic_name}: {count}")
        if links.ambiguous:
            self.stdout.write("Names that match several clinics, left as they are (choose with --name NAME --clinic SLUG):")
            for typed, (count, clinics) in links.ambiguous.items():
                self.stdout.write(f"  “{typed}” ({count} quote(s)): {'; '.join(describe(clinic) for clinic in clinics)}")
        if links.unmatched:
            self.stdout.write(
                "Names that match no clinic, left as they are (add the clinic to the directory and run this again, or "
                "choose with --name NAME --clinic SLUG):"
            )
            for typed, count in sorted(links.unmatched.items()):
                self.stdout.write(f"  “{typed}” ({count} quote(s))")
