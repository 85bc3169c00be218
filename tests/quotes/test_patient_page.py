"""The patient's page: the quotes of their request compared, one accepted, prices in their locale."""

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outbox.models import Email
from quotes.models import DEFAULT_CAUTION, PatientMessage, Quote, QuoteRequest, StatusChange, Treatment
from quotes.money import format_money, negotiated_locale
from quotes.services import accept_quote, patient_link, reply_to_patient, send_quote
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote, path_of
from tests.quotes.test_views import URL, clear_cache, form_data, knee  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
ACCEPT = '<input type="hidden" name="action" value="accept">'


def accept_button(quote):
    return f'<input type="hidden" name="quote" value="{quote.pk}">'


def quote_from(quote_request, clinic, **fields):
    quote = make_quote(quote_request, **fields)
    Quote.objects.filter(pk=quote.pk).update(clinic=clinic)
    quote.clinic = clinic
    return quote


def sent(quote_request, triage, *, clinic="Clinica Example", **fields):
    quote = quote_from(quote_request, clinic, **fields)
    send_quote(quote=quote, by=triage)
    return quote


@pytest.fixture
def two_quotes(triage):
    quote_request = make_request()
    first = sent(quote_request, triage, lines=((1, "8000.00"), (2, "122.75")), not_included="Flights\n- Companion's hotel")
    second = sent(quote_request, triage, clinic="Hospital Two", lines=((1, "9100.00"),))
    Email.objects.all().delete()  # the "quote ready" e-mails: these tests look at what comes after
    return first, second


def test_the_page_shows_every_sent_quote_of_the_request_its_own_marked(client, two_quotes, triage):
    first, second = two_quotes
    quote_from(first.quote_request, "Not sent yet")  # a draft the patient must not see
    quote_from(make_request(), "Someone else's")
    html = client.get(path_of(patient_link(second))).content.decode()
    assert html.count('class="quote-card') == 2
    assert html.count("quote-card-linked") == 1
    assert 'class="quote-card quote-card-linked" aria-labelledby="quote-%d-heading"' % second.pk in html
    assert "Not sent yet" not in html and "Someone else" not in html
    assert "Flights</li>" in html and "Companion&#39;s hotel</li>" in html  # what is not included, listed
    assert "US$8,245.50" in html and "US$9,100.00" in html
    assert html.count(ACCEPT) == 2 and accept_button(first) in html and accept_button(second) in html


def test_the_quotes_keep_their_order_and_numbers_whichever_link_opens_the_page(client, two_quotes, triage, deliver_emails):
    # The reply's e-mail leads to the latest quote, the first e-mail to the first: "Quote 1" stays the same quote,
    # its button in the same place, so that a patient who compared them accepts the one they meant.
    first, second = two_quotes
    reply_to_patient(quote_request=first.quote_request, text="Both include the flights.", by=triage)
    [told] = deliver_emails()
    pages = [path_of(patient_link(first)), path_of(patient_link(second)), re.search(r"/quote/view/\S+/", told.body).group()]
    for path in pages:
        html = client.get(path).content.decode()
        assert html.index("Quote 1") < html.index("Clinica Example") < html.index("Quote 2") < html.index("Hospital Two"), path
        assert html.index(accept_button(first)) < html.index(accept_button(second))


def test_an_expired_quote_is_marked_and_offers_no_acceptance(client, two_quotes):
    first, second = two_quotes
    Quote.objects.filter(pk=first.pk).update(valid_until=timezone.localdate() - timedelta(days=2))
    html = client.get(path_of(patient_link(second))).content.decode()
    assert 'class="badge badge-expired">Expired' in html
    assert accept_button(first) not in html and accept_button(second) in html


def test_accepting_one_quote_wins_the_request_and_sets_the_others_aside(client, two_quotes, deliver_emails):
    first, second = two_quotes
    path = path_of(patient_link(first))
    response = client.post(path, {"action": "accept", "quote": second.pk}, follow=True)
    html = response.content.decode()
    assert "we have your acceptance" in html
    assert "You accepted the quote from Hospital Two on" in html and ACCEPT not in html
    assert 'badge badge-accepted">Accepted' in html and 'class="badge">Not chosen' in html
    first.refresh_from_db(), second.refresh_from_db()
    assert second.accepted_at is not None and first.accepted_at is None
    assert first.not_chosen_at == second.accepted_at and second.not_chosen_at is None
    quote_request = QuoteRequest.objects.get(pk=first.quote_request_id)
    assert quote_request.status == QuoteRequest.Status.WON
    change = StatusChange.objects.filter(quote_request=quote_request).last()
    assert (change.from_status, change.to_status, change.changed_by) == ("quoted", "won", None)
    assert list(quote_request.messages.values_list("kind", "quote")) == [(PatientMessage.Kind.ACCEPTED, second.pk)]
    [email] = deliver_emails()
    assert email.to == ["triage@localhost"] and email.subject == f"Quote accepted on {quote_request.reference}"
    assert "Maria" not in email.body and "Arthritis" not in email.body and "Hip" not in email.body
    assert reverse("admin:quotes_quoterequest_change", args=[quote_request.pk]) in email.body


def test_a_second_acceptance_is_refused_with_a_clear_message(client, two_quotes):
    first, second = two_quotes
    path = path_of(patient_link(first))
    assert client.post(path, {"action": "accept", "quote": first.pk}).status_code == 302
    Email.objects.all().delete()

    for quote, which in [(second, "the quote from Clinica Example"), (first, "this quote")]:
        response = client.post(path_of(patient_link(quote)), {"action": "accept", "quote": quote.pk})
        html = response.content.decode()
        assert response.status_code == 409
        assert f"You accepted {which} on" in html and "a request can accept one quote" in html
    second.refresh_from_db()
    assert second.accepted_at is None and not Email.objects.exists()
    assert PatientMessage.objects.filter(kind=PatientMessage.Kind.ACCEPTED).count() == 1


def test_a_quote_of_another_request_cannot_be_accepted_through_this_link(client, two_quotes, triage):
    first, _ = two_quotes
    other = sent(make_request(), triage)
    response = client.post(path_of(patient_link(first)), {"action": "accept", "quote": other.pk})
    assert response.status_code == 400 and "not one of the quotes of your request" in response.content.decode()
    assert not Quote.objects.filter(accepted_at__isnull=False).exists()
    response = client.post(path_of(patient_link(first)), {"action": "accept", "quote": "nonsense"})
    assert response.status_code == 400


def test_acceptance_moves_a_request_triage_had_moved_on_back_through_quoted(two_quotes, triage):
    first, _ = two_quotes
    QuoteRequest.objects.filter(pk=first.quote_request_id).update(status=QuoteRequest.Status.AWAITING_PATIENT)
    accept_quote(quote=Quote.objects.get(pk=first.pk))
    changes = StatusChange.objects.filter(quote_request_id=first.quote_request_id).order_by("pk")
    assert [(c.from_status, c.to_status) for c in changes][-2:] == [("awaiting_patient", "quoted"), ("quoted", "won")]


def test_acceptance_of_a_request_closed_as_lost_is_kept_and_triage_decide(two_quotes):
    first, _ = two_quotes
    QuoteRequest.objects.filter(pk=first.quote_request_id).update(status=QuoteRequest.Status.LOST)
    accept_quote(quote=Quote.objects.get(pk=first.pk))
    assert QuoteRequest.objects.get(pk=first.quote_request_id).status == QuoteRequest.Status.LOST
    assert Quote.objects.get(pk=first.pk).accepted_at is not None
    assert Email.objects.filter(subject__startswith="Quote accepted").exists()


def test_an_unsent_quote_is_refused_by_the_service(triage):
    with pytest.raises(ValidationError) as refusal:
        accept_quote(quote=make_quote())
    assert refusal.value.code == "not_sent"


@pytest.mark.parametrize(
    "locale,expected",
    [("de_DE", "8.245,50\xa0€"), ("en_GB", "€8,245.50"), ("fr_FR", "8\u202f245,50\xa0€"), ("nonsense", "€8,245.50"), ("", "€8,245.50")],
)
def test_prices_are_written_for_the_locale(locale, expected):
    assert format_money(Decimal("8245.50"), "EUR", locale) == expected


@pytest.mark.parametrize(
    "header,expected",
    [("de-DE,de;q=0.9,en;q=0.8", "de_DE"), ("en-GB", "en_GB"), ("xx-YY, fr;q=0.5", "fr"), ("", "en_GB"), ("*", "en_GB"), ("de;q=x", "en_GB")],
)
def test_the_locale_comes_from_the_browsers_languages(header, expected):
    assert negotiated_locale(header) == expected


def test_the_patient_page_writes_prices_in_the_requests_locale(client, triage):
    german = make_request(locale="de_DE")
    english = make_request()
    for quote_request in (german, english):
        sent(quote_request, triage, currency="EUR", lines=((1, "8000.00"), (2, "122.75")))
    german_page = client.get(path_of(patient_link(german.quotes.get()))).content.decode()
    english_page = client.get(path_of(patient_link(english.quotes.get()))).content.decode()
    assert '<strong class="total">8.245,50\xa0€</strong>' in german_page and "2 × 122,75\xa0€" in german_page
    assert '<strong class="total">€8,245.50</strong>' in english_page and "2 × €122.75" in english_page


def test_the_quote_form_keeps_the_browsers_locale(client, knee, settings):  # noqa: F811
    settings.QUOTE_MIN_FILL_SECONDS = 0
    response = client.post(URL, form_data(knee), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response.status_code == 302
    assert QuoteRequest.objects.get().locale == "de_DE"


def test_a_locale_that_babel_does_not_know_is_refused_in_the_admin(client, triage):
    from tests.quotes.test_admin import change_form

    quote_request = make_request()
    client.force_login(triage)
    change = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    response = client.post(change, change_form(quote_request, locale="klingon"))
    assert response.status_code == 200 and "is not a locale" in response.content.decode()
    assert client.post(change, change_form(quote_request, locale="de_CH")).status_code == 302
    assert QuoteRequest.objects.get(pk=quote_request.pk).locale == "de_CH"


def test_the_quote_admin_shows_the_total_with_the_same_helper(client, triage, two_quotes):
    first, _ = two_quotes
    client.force_login(triage)
    html = client.get(reverse("admin:quotes_quote_change", args=[first.pk])).content.decode()
    assert "US$8,245.50" in html


def test_an_experimental_treatment_shows_the_caution_on_the_page(client, triage):
    stem_cells = Treatment.objects.create(name="Stem cell therapy", slug="stem-cells", is_experimental=True)
    knee_replacement = Treatment.objects.create(name="Knee replacement", slug="knee-replacement")
    experimental = sent(make_request(treatment=stem_cells, treatment_other=""), triage)
    established = sent(make_request(treatment=knee_replacement, treatment_other=""), triage)
    assert str(DEFAULT_CAUTION) in client.get(path_of(patient_link(experimental))).content.decode()
    assert str(DEFAULT_CAUTION) not in client.get(path_of(patient_link(established))).content.decode()
    Treatment.objects.filter(pk=stem_cells.pk).update(caution_note="Ask for the trial's registration number.")
    html = client.get(path_of(patient_link(experimental))).content.decode()
    assert "Ask for the trial&#39;s registration number." in html and 'class="caution" role="note"' in html


def test_the_page_shows_the_disclaimer(client, triage):
    from articles.models import SiteBlock

    SiteBlock.objects.update_or_create(kind="disclaimer", defaults={"body": "<p>Not medical advice.</p>"})
    html = client.get(path_of(patient_link(sent(make_request(), triage)))).content.decode()
    assert "Not medical advice." in html


def test_the_page_makes_the_same_queries_for_two_quotes_or_five(client, triage, django_assert_num_queries, settings):
    settings.SITE_VERSION_CHECK_SECONDS = 600  # the site version is read again once a second: not the page's query
    def page_queries(count):
        quote_request = make_request()
        quotes = [sent(quote_request, triage) for _ in range(count)]
        for quote in quotes:
            PatientMessage.objects.create(quote_request=quote_request, quote=quote, text="A question")
        path = path_of(patient_link(quotes[0]))
        client.get(path)  # the site's data of the page, cached once per process
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    two = page_queries(2)
    # The quote with its request and treatment; the request's sent quotes; their lines; the conversation; its records.
    assert two == page_queries(5) and two <= 6
    path = path_of(patient_link(Quote.objects.filter(sent_at__isnull=False).first()))
    with django_assert_num_queries(two):
        client.get(path)


def test_the_signed_links_budget_is_apart_from_the_quote_forms(client, knee, two_quotes, settings):  # noqa: F811
    settings.QUOTE_RATE_LIMIT = 1
    settings.QUOTE_MIN_FILL_SECONDS = 0
    first, _ = two_quotes
    assert client.post(URL, form_data(knee)).status_code == 302
    assert client.post(URL, form_data(knee)).status_code == 429  # the address's form budget is spent
    path = path_of(patient_link(first))
    assert client.post(path, {"action": "message", "text": "Is the flight included?"}).status_code == 302
    assert client.post(path, {"action": "accept", "quote": first.pk}).status_code == 302
    assert Quote.objects.get(pk=first.pk).accepted_at is not None


def test_the_signed_link_has_its_own_limit_which_never_counts_against_the_form(client, knee, two_quotes, settings, caplog, triage):  # noqa: F811
    settings.QUOTE_LINK_RATE_LIMIT = 2
    settings.QUOTE_MIN_FILL_SECONDS = 0
    first, second = two_quotes
    path = path_of(patient_link(first))
    for _ in range(2):
        assert client.post(path, {"action": "message", "text": "Hello"}).status_code == 302
    refused = client.post(path_of(patient_link(second)), {"action": "message", "text": "Hello"})
    assert refused.status_code == 429  # the request's budget, whichever of its links
    assert PatientMessage.objects.count() == 2
    assert [r.getMessage() for r in caplog.records if "took more than" in r.getMessage()] == [
        f"The page of {first.quote_request.reference} took more than 2 actions within 3600 s: refusing the next ones in this window."
    ]
    other = sent(make_request(), triage)  # another request's page has its own budget
    assert client.post(path_of(patient_link(other)), {"action": "message", "text": "Hi"}).status_code == 302
    assert client.post(URL, form_data(knee)).status_code == 302  # the form's budget is untouched


def test_the_signed_links_limit_lets_the_patient_through_when_the_cache_fails(client, two_quotes, settings, caplog):
    settings.QUOTE_LINK_RATE_LIMIT = 1
    first, _ = two_quotes
    path = path_of(patient_link(first))
    with mock.patch("magazine.ratelimit.cache.add", return_value=False), mock.patch("magazine.ratelimit.cache.incr", side_effect=ValueError):
        for _ in range(3):
            assert client.post(path, {"action": "message", "text": "Hello"}).status_code == 302
    assert PatientMessage.objects.count() == 3
    assert any("patient pages' rate limit cannot be counted" in r.getMessage() for r in caplog.records)
