"""
Quotes written before the clinics directory named their clinic in words only (``Quote.clinic``). These functions
link them to the directory's clinic of the same name, case and spacing aside, and leave alone a name that matches
no clinic or several (a human decides: ``manage.py link_quote_clinics``). They work on the querysets they are
given, so that the migration that first linked them (quotes 0012) runs them on its historical models.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count


def name_key(name):
    """A clinic's name as names are compared: case and spacing aside (accents and punctuation count)."""
    return " ".join(name.split()).casefold()


@dataclass
class NameLinks:
    linked: Counter = field(default_factory=Counter)  # the directory's name: quotes linked to it
    ambiguous: dict = field(default_factory=dict)  # a typed name: (quotes, the clinics it matches)
    unmatched: Counter = field(default_factory=Counter)  # a typed name: quotes


def unlinked(quotes):
    """The quotes of ``quotes`` that name a clinic in words only."""
    return quotes.filter(clinic_listing__isnull=True).exclude(clinic="")


def link_quotes_by_name(*, quotes, clinics, dry_run=False):
    """
    Link each unlinked quote of ``quotes`` to the one clinic of ``clinics`` whose name is its typed name, case and
    spacing aside, and write the directory's name on it (as ``Quote.save`` does). Returns what was linked and the
    typed names left alone; with ``dry_run``, what would be linked, changing nothing.
    """
    directory = defaultdict(list)
    for clinic in clinics.order_by("name", "pk"):
        directory[name_key(clinic.name)].append(clinic)
    typed = unlinked(quotes).order_by().values_list("clinic").annotate(count=Count("pk"))
    links = NameLinks()
    for name, count in sorted(typed):
        matches = directory.get(name_key(name), [])
        if len(matches) == 1:
            links.linked[matches[0].name] += count
            if not dry_run:
                link_name(quotes=quotes, name=name, clinic=matches[0], exact=True)
        elif matches:
            links.ambiguous[name] = (count, matches)
        else:
            links.unmatched[name] += count
    return links


def link_name(*, quotes, name, clinic, exact=False, dry_run=False):
    """
    Link the unlinked quotes of ``quotes`` whose typed clinic is ``name`` (as typed with ``exact``, else case and
    spacing aside) to ``clinic``, a human's choice for a name that matches several clinics or none. Returns how many
    (with ``dry_run``, how many it would link, changing nothing).
    """
    if exact:
        chosen = unlinked(quotes).filter(clinic=name)
    else:
        key = name_key(name)
        typed = {typed for typed in unlinked(quotes).order_by().values_list("clinic", flat=True).distinct() if name_key(typed) == key}
        chosen = unlinked(quotes).filter(clinic__in=typed)
    return chosen.count() if dry_run else chosen.update(clinic_listing=clinic, clinic=clinic.name)
