import pytest
from django.urls import reverse
from django.utils import timezone

from quotes.models import QuoteRequest, Treatment

pytestmark = pytest.mark.django_db


def make_request(**fields):
    n = QuoteRequest.objects.count() + 1
    defaults = {
        "reference": f"MT-2026-TEST{n:02d}",
        "submission_key": __import__("uuid").uuid4(),
        "name": "Maria Example",
        "email": f"maria{n}@example.org",
        "country": "GB",
        "treatment_other": "Hip revision",
        "condition_summary": "Arthritis",
        "budget": "unsure",
        "travel_window": "flexible",
        "consent_version": "2026-11",
        "consented_at": timezone.now(),
    }
    defaults.update(fields)
    return QuoteRequest.objects.create(**defaults)


def urls(quote_request):
    return [
        reverse("admin:quotes_quoterequest_changelist"),
        reverse("admin:quotes_quoterequest_change", args=[quote_request.pk]),
        reverse("admin:quotes_quoterequest_history", args=[quote_request.pk]),
    ]


@pytest.mark.parametrize("who,expected", [("editor", 403), ("reviewer", 403), ("triage", 200), ("superuser", 200)])
def test_only_triage_staff_and_superusers_see_quote_requests(client, request, who, expected):
    client.force_login(request.getfixturevalue(who))
    quote_request = make_request()
    for url in urls(quote_request):
        assert client.get(url).status_code == expected, url


def test_anonymous_users_are_sent_to_the_login(client):
    for url in urls(make_request()):
        assert client.get(url)["Location"].startswith(reverse("admin:login"))


def test_editors_do_not_see_quote_requests_in_the_admin_index(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Quote requests" not in html
    assert "Treatments" in html  # editors manage the treatment catalogue


def test_request_is_named_by_its_reference_only():
    quote_request = make_request(name="Maria Example", condition_summary="Arthritis")
    assert str(quote_request) == quote_request.reference


def test_triage_lists_searches_and_assigns(client, triage):
    mine = make_request(email="find.me@example.org")
    make_request()
    client.force_login(triage)
    changelist = reverse("admin:quotes_quoterequest_changelist")
    assert list(client.get(changelist, {"q": "find.me"}).context["cl"].result_list) == [mine]
    assert list(client.get(changelist, {"q": mine.reference}).context["cl"].result_list) == [mine]
    client.post(changelist, {"action": "assign_to_me", "_selected_action": [mine.pk]})
    mine.refresh_from_db()
    assert mine.assignee == triage
    client.post(changelist, {"action": "mark_spam", "_selected_action": [mine.pk]})
    mine.refresh_from_db()
    assert mine.status == QuoteRequest.Status.SPAM


def test_triage_changelist_query_count_is_bounded(client, triage, django_assert_max_num_queries):
    treatment = Treatment.objects.create(name="Knee", slug="knee")
    for _ in range(15):
        make_request(treatment=treatment, treatment_other="")
    client.force_login(triage)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:quotes_quoterequest_changelist")).status_code == 200
