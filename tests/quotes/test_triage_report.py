"""The managers' triage report: the numbers, who may read them, and a number of queries independent of the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quotes.models import QuoteRequest, StatusChange, Treatment
from quotes.report import NO_ARTICLE, OTHER_TREATMENT, report_start, triage_report
from tests.conftest import make_article
from tests.quotes.test_admin import make_request
from tests.quotes.test_permissions import login, manager  # noqa: F401  (fixture)
from tests.quotes.test_quotes import make_quote

pytestmark = pytest.mark.django_db
URL = reverse("admin:quotes_quoterequest_report")


def answered_after(quote_request, hours, by=None):
    change = StatusChange.objects.create(quote_request=quote_request, from_status="new", to_status="in_review", changed_by=by)
    StatusChange.objects.filter(pk=change.pk).update(changed_at=quote_request.created_at + timedelta(hours=hours))


def created(quote_request, when):
    QuoteRequest.objects.filter(pk=quote_request.pk).update(created_at=when)
    quote_request.refresh_from_db()
    return quote_request


def data(n, knee, article):
    """``n`` requests of each kind: a knee quote accepted, a knee one quoted, an "other" one unanswered."""
    for _ in range(n):
        accepted = make_request(treatment=knee, treatment_other="", source_article=article)
        answered_after(accepted, 2)
        quote = make_quote(accepted)
        quote.sent_at = quote.accepted_at = timezone.now()
        quote.save()
        quoted = make_request(treatment=knee, treatment_other="")
        answered_after(quoted, 10)
        quote = make_quote(quoted)
        quote.sent_at = timezone.now()
        quote.save()
        make_request(first_response_due=timezone.now() - timedelta(hours=1))


@pytest.fixture
def knee():
    return Treatment.objects.create(name="Knee replacement", slug="knee")


def test_the_report_counts_per_week_status_and_acceptance(knee):
    article = make_article(title="Knee surgery abroad")
    data(2, knee, article)
    old = created(make_request(), report_start() - timedelta(days=1))  # before the 12 weeks: not counted
    last_week = created(make_request(), timezone.now() - timedelta(weeks=1))
    report = triage_report()
    assert len(report["weeks"]) == 12
    this_week, previous = report["weeks"][-1], report["weeks"][-2]
    new = report["statuses"].index(QuoteRequest.Status.NEW)
    assert this_week["total"] == 6 and this_week["counts"][new] == 6  # statuses moved by StatusChange rows only
    assert previous["total"] == 1
    assert sum(row["total"] for row in report["weeks"]) == 7
    assert report["median_hours"] == pytest.approx(6) and report["answered"] == 4
    assert report["overdue"] == QuoteRequest.objects.overdue().count() >= 2
    by_treatment = {row["label"]: row for row in report["by_treatment"]}
    assert (by_treatment["Knee replacement"]["requests"], by_treatment["Knee replacement"]["quoted"], by_treatment["Knee replacement"]["accepted"]) == (4, 4, 2)
    assert by_treatment["Knee replacement"]["rate"] == 0.5
    assert by_treatment[OTHER_TREATMENT]["requests"] == 3 and by_treatment[OTHER_TREATMENT]["rate"] is None
    by_article = {row["label"]: row for row in report["by_article"]}
    assert (by_article["Knee surgery abroad"]["requests"], by_article["Knee surgery abroad"]["accepted"]) == (2, 2)
    assert by_article[NO_ARTICLE]["requests"] == 5
    assert old.reference and last_week.reference


def test_the_report_page_shows_counts_and_no_patient_data(client, manager, knee):
    data(1, knee, make_article(title="Knee surgery abroad"))
    client.force_login(manager)
    html = client.get(URL).content.decode()
    assert '<strong id="report-overdue">1</strong>' in html
    assert "6.0 hours" in html and "50 %" in html and "Knee surgery abroad" in html
    for patient_data in ("Maria", "example.org", "Arthritis", "Hip revision", "MT-2026-"):
        assert patient_data not in html


def test_the_report_runs_a_fixed_number_of_queries(client, manager, knee):
    client.force_login(manager)
    article = make_article()
    data(1, knee, article)
    client.get(URL)  # warms what a session caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    data(8, knee, article)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few) <= 9


def test_an_empty_report_says_so(client, manager):
    client.force_login(manager)
    html = client.get(URL).content.decode()
    assert "no request answered yet" in html and "No request in these 12 weeks." in html


def test_the_report_is_for_those_who_may_see_requests(client, request, manager, editor, reviewer, triage, superuser):
    assert client.get(URL)["Location"].startswith(reverse("admin:login"))
    for role, status in [("editor", 403), ("reviewer", 403), ("triage", 200), ("manager", 200), ("superuser", 200)]:
        login(client, request, role)
        assert client.get(URL).status_code == status, role


def test_the_request_list_links_to_the_report(client, triage):
    client.force_login(triage)
    assert f'href="{URL}"' in client.get(reverse("admin:quotes_quoterequest_changelist")).content.decode()
