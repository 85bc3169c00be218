"""Every way of seeing a quote request writes one access log entry: who, which page and query, which requests."""

import pytest
from django.contrib import admin
from django.db import DatabaseError
from django.urls import reverse

from quotes.models import AccessLog, Note, Quote, QuoteRequest
from tests.quotes.test_admin import change_form, make_request
from tests.quotes.test_quotes import make_quote

pytestmark = pytest.mark.django_db
Action = AccessLog.Action
CHANGELIST = reverse("admin:quotes_quoterequest_changelist")


@pytest.fixture
def manager(django_user_model, groups):
    user = django_user_model.objects.create_user(username="manager", password="x", is_staff=True)
    user.groups.add(groups["Triage managers"])
    return user


def the_entry():
    """The one entry written so far, with the references of the requests it showed."""
    entry = AccessLog.objects.get()
    return entry, [accessed.reference for accessed in entry.requests.all()]


def url(name, *args):
    return reverse(f"admin:quotes_{name}", args=args)


def assert_one_entry(user, action, references, *, path=None, query=None):
    entry, shown = the_entry()
    assert (entry.user, entry.action, sorted(shown)) == (user, action, sorted(references))
    if path is not None:
        assert entry.path == path
    if query is not None:
        assert entry.query == query
    entry.delete()


# The list


def test_a_search_of_the_list_is_one_entry_with_the_requests_it_shows_and_the_search(client, triage):
    mine = make_request(email="find.me@example.org")
    make_request()
    client.force_login(triage)
    assert client.get(CHANGELIST, {"q": "find.me@example.org"}).status_code == 200
    assert_one_entry(triage, Action.LIST, [mine.reference], path=CHANGELIST, query="q=find.me@example.org")


def test_a_filtered_list_logs_its_filters_and_every_request_of_the_page(client, triage):
    older, newer = make_request(), make_request()
    client.force_login(triage)
    client.get(CHANGELIST, {"status__exact": "new", "o": "1"})
    assert_one_entry(triage, Action.LIST, sorted([older.reference, newer.reference]), query="status__exact=new&o=1")


def test_a_search_that_finds_nothing_is_logged_too(client, triage):
    make_request()
    client.force_login(triage)
    client.get(CHANGELIST, {"q": "nobody@example.org"})
    assert_one_entry(triage, Action.LIST, [], query="q=nobody@example.org")


def test_each_page_of_the_list_logs_the_requests_on_it(client, triage, monkeypatch):
    monkeypatch.setattr(admin.site.get_model_admin(QuoteRequest), "list_per_page", 2)
    requests = [make_request() for _ in range(3)]  # newest first on the list
    client.force_login(triage)
    client.get(CHANGELIST, {"p": "2"})
    assert_one_entry(triage, Action.LIST, [requests[0].reference], query="p=2")


def test_an_action_that_answers_with_a_redirect_shows_nothing_and_logs_nothing(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    response = client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [quote_request.pk]})
    assert response.status_code == 302 and not AccessLog.objects.exists()


# One request's pages


def test_the_change_page_is_one_entry_and_so_is_the_form_shown_again_with_its_errors(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    change = url("quoterequest_change", quote_request.pk)
    assert client.get(change).status_code == 200
    assert_one_entry(triage, Action.VIEW, [quote_request.reference], path=change, query="")
    assert client.post(change, change_form(quote_request, status="won")).status_code == 200  # refused move
    assert_one_entry(triage, Action.VIEW, [quote_request.reference])
    assert client.post(change, change_form(quote_request, priority="3")).status_code == 302
    assert_one_entry(triage, Action.CHANGE, [quote_request.reference])


def test_a_change_page_opened_from_a_search_logs_the_search_as_typed(client, triage):
    quote_request = make_request(email="maria@example.org")
    client.force_login(triage)
    client.get(url("quoterequest_change", quote_request.pk), {"_changelist_filters": "q=maria@example.org&status__exact=new"})
    assert_one_entry(triage, Action.VIEW, [quote_request.reference], query="_changelist_filters=(q=maria@example.org&status__exact=new)")


def test_a_missing_request_shows_nothing_and_logs_nothing(client, triage):
    client.force_login(triage)
    assert client.get(url("quoterequest_change", 999)).status_code == 302
    assert client.get(url("quoterequest_history", 999)).status_code == 302
    assert not AccessLog.objects.exists()


def test_the_history_page_is_one_entry(client, triage):
    quote_request = make_request()
    client.force_login(triage)
    assert client.get(url("quoterequest_history", quote_request.pk)).status_code == 200
    assert_one_entry(triage, Action.HISTORY, [quote_request.reference])


def test_the_delete_confirmation_and_the_deletion_are_one_entry_each(client, manager):
    quote_request = make_request()
    Note.objects.create(quote_request=quote_request, text="Called.")
    client.force_login(manager)
    delete = url("quoterequest_delete", quote_request.pk)
    assert client.get(delete).status_code == 200
    assert_one_entry(manager, Action.DELETE_PAGE, [quote_request.reference])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    entry, shown = the_entry()
    assert (entry.action, shown) == (Action.DELETE, [quote_request.reference])
    assert not QuoteRequest.objects.exists() and entry.requests.get().quote_request is None  # erased, named still


def test_the_bulk_delete_confirmation_and_the_deletion_are_one_entry_each(client, manager):
    first, second = make_request(), make_request()
    client.force_login(manager)
    selected = {"action": "delete_selected", "_selected_action": [first.pk, second.pk]}
    page = client.post(CHANGELIST, selected)
    assert page.status_code == 200 and first.reference in page.content.decode()
    assert_one_entry(manager, Action.DELETE_PAGE, sorted([first.reference, second.reference]))
    assert client.post(CHANGELIST, {**selected, "post": "yes"}).status_code == 302
    assert_one_entry(manager, Action.DELETE, sorted([first.reference, second.reference]))
    assert not QuoteRequest.objects.exists()


def test_an_export_is_one_entry_with_every_request_exported(client, manager):
    first, second = make_request(), make_request()
    client.force_login(manager)
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [first.pk, second.pk]})
    assert response["Content-Type"].startswith("text/csv")
    assert_one_entry(manager, Action.EXPORT, sorted([first.reference, second.reference]))


# The autocomplete


def autocomplete(client, term, model_name, field_name):
    response = client.get(
        reverse("admin:autocomplete"), {"term": term, "app_label": "quotes", "model_name": model_name, "field_name": field_name}
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize("model_name", ["quote", "note", "statuschange", "medicalrecord"])
def test_every_autocomplete_search_of_requests_is_one_entry(client, triage, model_name):
    quote_request = make_request()
    make_request()
    client.force_login(triage)
    assert autocomplete(client, quote_request.reference, model_name, "quote_request") == [quote_request.reference]
    assert_one_entry(triage, Action.LOOKUP, [quote_request.reference], path=reverse("admin:autocomplete"))
    autocomplete(client, "", model_name, "quote_request")
    entry, shown = the_entry()
    assert len(shown) == 2 and entry.query.startswith("term=&")


def test_an_autocomplete_search_of_quotes_logs_their_requests(client, triage):
    quote = make_quote(make_request())
    client.force_login(triage)
    assert autocomplete(client, quote.quote_request.reference, "quoteline", "quote") == [str(quote)]
    assert_one_entry(triage, Action.LOOKUP, [quote.quote_request.reference])


def test_other_staff_get_no_autocomplete_answer_and_leave_no_entry(client, editor):
    quote_request = make_request()
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": quote_request.reference, "app_label": "quotes", "model_name": "note", "field_name": "quote_request"},
    )
    assert response.status_code == 403 and not AccessLog.objects.exists()


# The quotes' pages: the request's reference, the clinic, prices and the patient's messages


def test_the_quote_pages_are_one_entry_each_with_the_request_they_belong_to(client, triage):
    quote_request = make_request()
    first, _ = make_quote(quote_request), make_quote(quote_request)  # two quotes, one request: named once
    other = make_quote(make_request())
    client.force_login(triage)
    client.get(url("quote_changelist"))
    assert_one_entry(triage, Action.LIST, [quote_request.reference, other.quote_request.reference])
    for name, action in (("quote_change", Action.VIEW), ("quote_history", Action.HISTORY)):
        assert client.get(url(name, first.pk)).status_code == 200
        assert_one_entry(triage, action, [quote_request.reference])


def test_saving_a_quote_is_one_entry(client, triage):
    quote = make_quote(make_request())
    client.force_login(triage)
    data = {
        "quote_request": quote.quote_request_id, "currency": "EUR", "clinic": "Clinica", "destination": "",
        "valid_until": quote.valid_until.isoformat(), "notes_to_patient": "",
        "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0", "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0",
    }  # fmt: skip
    assert client.post(url("quote_change", quote.pk), data).status_code == 302
    assert_one_entry(triage, Action.CHANGE, [quote.quote_request.reference])


def test_deleting_a_quote_is_logged_on_its_request(client, superuser):
    quote = make_quote(make_request())
    client.force_login(superuser)
    client.get(url("quote_delete", quote.pk))
    assert_one_entry(superuser, Action.DELETE_PAGE, [quote.quote_request.reference])
    client.post(url("quote_delete", quote.pk), {"post": "yes"})
    assert_one_entry(superuser, Action.DELETE, [quote.quote_request.reference])
    assert not Quote.objects.exists()


# Faults, erasure and who reads the log


def test_a_page_whose_access_cannot_be_logged_is_not_shown(client, triage, monkeypatch):
    quote_request = make_request()
    client.force_login(triage)

    def fail(*args, **kwargs):
        raise DatabaseError("the access log cannot be written")

    monkeypatch.setattr(AccessLog.objects, "create", fail)
    with pytest.raises(DatabaseError):
        client.get(url("quoterequest_change", quote_request.pk))
    with pytest.raises(DatabaseError):
        client.get(CHANGELIST, {"q": quote_request.email})


def test_erasing_a_request_erases_the_words_of_the_searches_that_showed_it(client, manager):
    maria, other = make_request(email="maria@example.org"), make_request()
    client.force_login(manager)
    client.get(CHANGELIST, {"q": "maria@example.org"})
    client.get(CHANGELIST, {"q": other.email})
    client.post(url("quoterequest_delete", maria.pk), {"post": "yes"})
    search, deletion = (AccessLog.objects.get(requests__reference=maria.reference, action=action) for action in (Action.LIST, Action.DELETE))
    assert search.query == "(erased with the patient's requests)" and search.user == manager
    assert [accessed.reference for accessed in search.requests.all()] == [maria.reference]
    assert deletion.user == manager
    assert AccessLog.objects.filter(query=f"q={other.email}").count() == 1  # another patient's search stays
    assert "maria@example.org" not in str(list(AccessLog.objects.values_list("query", flat=True)))


@pytest.mark.parametrize("role,status", [("editor", 403), ("reviewer", 403), ("triage", 403), ("manager", 200), ("superuser", 200)])
def test_only_triage_managers_read_the_access_log(client, request, role, status):
    quote_request = make_request()
    triage = request.getfixturevalue("triage")
    client.force_login(triage)
    client.get(CHANGELIST, {"q": "maria"})
    client.force_login(request.getfixturevalue(role))
    entry = AccessLog.objects.get()
    for page in (url("accesslog_changelist"), url("accesslog_change", entry.pk)):
        response = client.get(page)
        assert response.status_code == status, (role, page)
        if status == 200:
            html = response.content.decode()
            assert quote_request.reference in html and "q=maria" in html and "triage" in html
    assert AccessLog.objects.count() == 1  # reading the log is not an access to a request


def test_every_admin_of_request_data_logs_access_and_its_bulk_deletion_page(rf, superuser):
    from quotes.admin import AccessLoggedAdmin
    from tests.test_admin_lookups import REQUEST_MODELS

    request = rf.get("/admin/")
    request.user = superuser
    registered = {model: model_admin for model, model_admin in admin.site._registry.items() if model in REQUEST_MODELS}
    assert set(registered) == {QuoteRequest, Quote, AccessLog}  # notes, status changes, messages: inlines only
    for model, model_admin in registered.items():
        if model is AccessLog:
            continue  # the log itself, for managers: references only
        assert isinstance(model_admin, AccessLoggedAdmin)
        assert model_admin.get_actions(request)["delete_selected"][0] is AccessLoggedAdmin.delete_selected
