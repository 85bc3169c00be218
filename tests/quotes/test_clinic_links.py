"""Quotes that name their clinic in words only, linked to the directory's clinic of the same name: the migration
(quotes 0012) and ``manage.py link_quote_clinics``, for the names a human decides."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quotes.models import Quote
from tests.clinics.factories import make_clinic
from tests.quotes.test_access_log_migration import migrate
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote

BEFORE = [("quotes", "0011_clinics_quote_clinic_listing")]


def typed(name, *, listing=None):
    """A quote as written before the directory: its clinic typed by hand (set without ``Quote.save``)."""
    quote = make_quote(make_request())
    Quote.objects.filter(pk=quote.pk).update(clinic=name, clinic_listing=listing)
    return quote.pk


def links():
    return {quote.pk: (quote.clinic_listing_id, quote.clinic) for quote in Quote.objects.all()}


@pytest.fixture
def directory(db):
    return {
        "bosphorus": make_clinic(name="Bosphorus Orthopaedic Hospital", slug="bosphorus"),
        "vistula": make_clinic(name="Vistula Joint Centre", slug="vistula", country="PL", city="Kraków"),
        # Two clinics of one name, in two cities.
        "memorial-istanbul": make_clinic(name="Memorial Hospital", slug="memorial-istanbul"),
        "memorial-antalya": make_clinic(name="Memorial Hospital", slug="memorial-antalya", city="Antalya"),
    }


@pytest.fixture
def old_quotes(directory):
    return {
        "same": typed("Bosphorus Orthopaedic Hospital"),
        "case and spacing": typed("  bosphorus   orthopaedic\u00a0HOSPITAL "),
        "two clinics": typed("Memorial Hospital"),
        "no clinic": typed("Clinica Valencia"),
        "accent": typed("Vístula Joint Centre"),  # an accent counts: not the same name
        "none typed": typed(""),
        # Linked by triage since, to a clinic other than its typed name says: triage's choice stands.
        "linked": typed("Bosphorus Orthopaedic Hospital", listing=directory["vistula"]),
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_old_quotes_to_the_one_clinic_of_their_name_and_leaves_the_others(directory, old_quotes, capsys):
    before = links()
    try:
        migrate(BEFORE)
    finally:
        migrate()  # forwards again: quotes 0012 runs over the quotes above
    after = links()
    bosphorus = directory["bosphorus"]
    assert after[old_quotes["same"]] == (bosphorus.pk, "Bosphorus Orthopaedic Hospital")
    assert after[old_quotes["case and spacing"]] == (bosphorus.pk, "Bosphorus Orthopaedic Hospital")
    for left in ("two clinics", "no clinic", "accent", "none typed", "linked"):
        assert after[old_quotes[left]] == before[old_quotes[left]], left
    told = capsys.readouterr().out  # the migration says what it left for a human
    assert "2 quote(s) linked to the directory's clinic of their name; 3 left as they are" in told
    assert "manage.py link_quote_clinics" in told


def run(*args):
    out = io.StringIO()
    call_command("link_quote_clinics", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_links_the_same_names_and_lists_those_a_human_must_decide(directory, old_quotes):
    before = links()
    report = run("--dry-run")
    assert report.startswith("Would link 2 quote(s) to the directory's clinic of the same name.")
    assert links() == before  # a dry run changes nothing

    report = run()
    assert report.startswith("Linked 2 quote(s) to the directory's clinic of the same name.\n  Bosphorus Orthopaedic Hospital: 2\n")
    assert (
        "Names that match several clinics, left as they are (choose with --name NAME --clinic SLUG):\n"
        "  “Memorial Hospital” (1 quote(s)): memorial-istanbul (Memorial Hospital, Istanbul, Türkiye); "
        "memorial-antalya (Memorial Hospital, Antalya, Türkiye)\n"
    ) in report
    assert "Names that match no clinic" in report and "“Clinica Valencia” (1 quote(s))" in report
    assert "“Vístula Joint Centre” (1 quote(s))" in report
    after = links()
    assert after[old_quotes["two clinics"]] == (None, "Memorial Hospital")
    assert after[old_quotes["linked"]] == before[old_quotes["linked"]]
    assert run().startswith("Linked 0 quote(s)")  # once linked, a quote is not linked again


@pytest.mark.django_db
def test_a_human_links_a_name_that_matches_several_clinics_or_none(directory, old_quotes):
    assert run("--name", "memorial  hospital", "--clinic", "memorial-antalya", "--dry-run").startswith("Would link 1 quote(s)")
    assert links()[old_quotes["two clinics"]] == (None, "Memorial Hospital")
    report = run("--name", "memorial  hospital", "--clinic", "memorial-antalya")
    assert report == "Linked 1 quote(s) naming “memorial hospital” to memorial-antalya (Memorial Hospital, Antalya, Türkiye).\n"
    assert links()[old_quotes["two clinics"]] == (directory["memorial-antalya"].pk, "Memorial Hospital")

    run("--name", "Vístula Joint Centre", "--clinic", "vistula")
    assert links()[old_quotes["accent"]] == (directory["vistula"].pk, "Vistula Joint Centre")
    assert links()[old_quotes["no clinic"]] == (None, "Clinica Valencia")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,error",
    [
        (["--name", "Clinica Valencia"], "Give --name and --clinic together"),
        (["--clinic", "vistula"], "Give --name and --clinic together"),
        (["--name", "Clinica Valencia", "--clinic", "nowhere"], "No clinic of the directory has the slug 'nowhere'."),
        (["--name", "Vistula Joint Centre", "--clinic", "vistula"], "No quote names its clinic 'Vistula Joint Centre' without"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_links_nothing(directory, old_quotes, args, error):
    before = links()
    with pytest.raises(CommandError, match=error.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
    assert links() == before
