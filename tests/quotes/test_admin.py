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
    client.post(changelist, {"action": "status_spam", "_selected_action": [mine.pk]})
    mine.refresh_from_db()
    assert mine.status == QuoteRequest.Status.SPAM


def test_triage_changelist_query_count_is_bounded(client, triage, django_assert_max_num_queries):
    treatment = Treatment.objects.create(name="Knee", slug="knee")
    for _ in range(15):
        make_request(treatment=treatment, treatment_other="")
    client.force_login(triage)
    # The access log entry of the page is an insert of the entry and one of its 15 requests, in a savepoint.
    with django_assert_max_num_queries(17):
        assert client.get(reverse("admin:quotes_quoterequest_changelist")).status_code == 200


@pytest.fixture
def manager(django_user_model, groups):
    user = django_user_model.objects.create_user(username="manager", password="x", is_staff=True)
    user.groups.add(groups["Triage managers"])
    return user


def change_form(quote_request, **overrides):
    data = {
        "status": quote_request.status,
        "priority": quote_request.priority,
        "assignee": "",
        "name": quote_request.name,
        "email": quote_request.email,
        "phone": quote_request.phone,
        "country": quote_request.country.code,
        "contact_method": quote_request.contact_method,
        "treatment": quote_request.treatment_id or "",
        "treatment_other": quote_request.treatment_other,
        "condition_summary": quote_request.condition_summary,
        "budget": quote_request.budget,
        "travel_window": quote_request.travel_window,
        "locale": quote_request.locale,
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
        "quotes-TOTAL_FORMS": "0",
        "quotes-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-0-text": "",
    }
    data.update(overrides)
    return data


def test_status_change_is_recorded_with_who_and_shown(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    response = client.post(url, change_form(quote_request, status="in_review"))
    assert response.status_code == 302
    change = quote_request.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("new", "in_review", triage)
    assert "In review" in client.get(url).content.decode()


def test_workflow_refuses_a_jump_with_a_clear_error(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    response = client.post(url, change_form(quote_request, status="won", assignee=triage.pk))
    assert response.status_code == 200
    assert "cannot go from “New” to “Won”" in response.content.decode()
    quote_request.refresh_from_db()
    assert quote_request.status == "new" and quote_request.assignee is None
    assert not quote_request.status_changes.exists()


def test_bulk_status_action_reports_refused_moves(client, triage):
    new, won = make_request(), make_request(status="won")
    client.force_login(triage)
    response = client.post(
        reverse("admin:quotes_quoterequest_changelist"),
        {"action": "status_in_review", "_selected_action": [new.pk, won.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 request(s) moved to “In review”" in html and f"does not allow it from their status: {won.reference}" in html
    new.refresh_from_db()
    won.refresh_from_db()
    assert new.status == "in_review" and won.status == "won"


def test_triage_adds_internal_notes_signed_with_their_name(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    assert client.post(url, change_form(quote_request, **{"notes-0-text": "Called, no answer."})).status_code == 302
    note = quote_request.notes.get()
    assert (note.text, note.author) == ("Called, no answer.", triage)


def test_overdue_filter_lists_unanswered_new_requests_past_their_due_time(client, triage):
    from datetime import timedelta

    late = make_request(first_response_due=timezone.now() - timedelta(hours=1))
    make_request(first_response_due=timezone.now() + timedelta(hours=1))
    make_request(status="in_review", first_response_due=timezone.now() - timedelta(hours=1))
    client.force_login(triage)
    response = client.get(reverse("admin:quotes_quoterequest_changelist"), {"overdue": "yes"})
    assert list(response.context["cl"].result_list) == [late]


def test_possible_duplicates_are_flagged_and_linked(client, triage):
    from quotes.services import find_possible_duplicate

    treatment = Treatment.objects.create(name="Knee", slug="knee")
    first = make_request(email="same@example.org", treatment=treatment, treatment_other="")
    second = make_request(email="SAME@example.org", treatment=treatment, treatment_other="")
    other_treatment = make_request(email="same@example.org", treatment_other="Dental")
    assert find_possible_duplicate(second) == first
    assert find_possible_duplicate(other_treatment) is None
    second.possible_duplicate_of = first
    second.save()
    client.force_login(triage)
    html = client.get(reverse("admin:quotes_quoterequest_change", args=[second.pk])).content.decode()
    assert reverse("admin:quotes_quoterequest_change", args=[first.pk]) in html and first.reference in html


def test_only_managers_read_the_access_log(client, triage, manager):
    url = reverse("admin:quotes_accesslog_changelist")
    client.force_login(triage)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200


def test_export_is_for_managers_only(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    actions = client.get(reverse("admin:quotes_quoterequest_changelist")).context["action_form"].fields["action"].choices
    assert "export_csv" not in [name for name, _ in actions]
    response = client.post(
        reverse("admin:quotes_quoterequest_changelist"), {"action": "export_csv", "_selected_action": [quote_request.pk]}
    )
    assert response.get("Content-Type", "").startswith("text/html")


def test_csv_export_is_formula_safe_and_logged(client, manager):
    import csv
    import io

    from quotes.models import AccessLog

    quote_request = make_request(name="=HYPERLINK(\"http://evil\")", condition_summary="+cmd|' /C calc'!A0")
    client.force_login(manager)
    response = client.post(
        reverse("admin:quotes_quoterequest_changelist"), {"action": "export_csv", "_selected_action": [quote_request.pk]}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["name"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["condition_summary"].startswith("'+cmd")
    assert rows[0]["reference"] == quote_request.reference
    assert AccessLog.objects.get().action == "export"
