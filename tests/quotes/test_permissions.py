"""Who may open which quotes page: the matrix the health data depends on."""

import pytest
from django.urls import reverse

from quotes.models import AccessLog, Note
from quotes.services import log_access
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "reviewer", "triage", "manager", "superuser"]


@pytest.fixture
def manager(django_user_model, groups):
    user = django_user_model.objects.create_user(username="manager", password="x", is_staff=True)
    user.groups.add(groups["Triage managers"])
    return user


@pytest.fixture
def objects(triage):
    quote_request = make_request()
    quote = make_quote(quote_request)
    Note.objects.create(quote_request=quote_request, author=triage, text="note")
    entry = log_access(quote_requests=[quote_request], user=triage, action=AccessLog.Action.VIEW)
    return {"quoterequest": quote_request, "quote": quote, "accesslog": entry}


def login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


# (url name, args from objects, expected status per role)
PAGES = [
    ("admin:quotes_quoterequest_changelist", None, {"triage": 200, "manager": 200, "superuser": 200}),
    ("admin:quotes_quoterequest_change", "quoterequest", {"triage": 200, "manager": 200, "superuser": 200}),
    ("admin:quotes_quoterequest_history", "quoterequest", {"triage": 200, "manager": 200, "superuser": 200}),
    ("admin:quotes_quoterequest_delete", "quoterequest", {"triage": 403, "manager": 200, "superuser": 200}),
    ("admin:quotes_quoterequest_add", None, {"triage": 403, "manager": 403, "superuser": 403}),
    ("admin:quotes_quote_changelist", None, {"triage": 200, "manager": 200, "superuser": 200}),
    ("admin:quotes_quote_add", None, {"triage": 200, "manager": 200, "superuser": 200}),
    ("admin:quotes_quote_change", "quote", {"triage": 200, "manager": 200, "superuser": 200}),
    ("admin:quotes_accesslog_changelist", None, {"triage": 403, "manager": 200, "superuser": 200}),
    ("admin:quotes_accesslog_change", "accesslog", {"triage": 403, "manager": 200, "superuser": 200}),
    ("admin:quotes_treatment_changelist", None, {"editor": 200, "triage": 200, "manager": 200, "superuser": 200}),
    ("admin:quotes_treatment_add", None, {"editor": 200, "triage": 403, "manager": 403, "superuser": 200}),
]


@pytest.mark.parametrize("name,target,allowed", PAGES, ids=[page[0].split(":")[1] for page in PAGES])
def test_quotes_admin_permission_matrix(client, request, objects, manager, superuser, editor, reviewer, name, target, allowed):
    url = reverse(name, args=[objects[target].pk] if target else [])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    for role in ROLES[1:]:
        login(client, request, role)
        assert client.get(url).status_code == allowed.get(role, 403), (role, name)


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_the_admin_index_shows_no_quote_requests_to_other_staff(client, request, role):
    login(client, request, role)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Quote requests" not in html and "Quotes" not in html.replace("Treatment quotes", "")


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_other_staff_cannot_find_requests_through_the_quote_autocomplete(client, request, role, objects):
    login(client, request, role)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": objects["quoterequest"].reference, "app_label": "quotes", "model_name": "quote", "field_name": "quote_request"},
    )
    assert response.status_code == 403


def test_triage_finds_requests_through_the_quote_autocomplete(client, triage, objects):
    client.force_login(triage)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": objects["quoterequest"].reference, "app_label": "quotes", "model_name": "quote", "field_name": "quote_request"},
    )
    assert [item["text"] for item in response.json()["results"]] == [objects["quoterequest"].reference]


def test_admin_history_never_stores_patient_data(client, triage):
    from django.contrib.admin.models import LogEntry

    from tests.quotes.test_admin import change_form

    quote_request = make_request(name="Maria Example", condition_summary="Arthritis")
    client.force_login(triage)
    url = reverse("admin:quotes_quoterequest_change", args=[quote_request.pk])
    assert client.post(url, change_form(quote_request, priority="3")).status_code == 302
    entry = LogEntry.objects.get()
    assert entry.object_repr == quote_request.reference
    assert "Maria" not in str(entry.change_message) and "Arthritis" not in str(entry.change_message)
