"""
No admin list that editors or reviewers see can be filtered through quote requests: every relation of every
model they see, reverse ones included, is tried on its list (directly and one relation further).
"""

from urllib.parse import parse_qsl

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from quotes.models import Destination, QuoteRequest, ReplyTemplate, Treatment
from tests.conftest import make_article, make_tag
from tests.quotes.test_admin import make_request

pytestmark = pytest.mark.django_db

# Everything that holds or is attached to a patient's request: the quotes app but its catalogue and reply templates.
REQUEST_MODELS = {
    model
    for model in apps.get_app_config("quotes").get_models(include_auto_created=True)
    if model not in (Treatment, Destination, ReplyTemplate)
}
# The admins editors and reviewers may open (the test below checks that they do).
EDITOR_VISIBLE = [model for model in admin.site._registry if model._meta.app_label == "articles"] + [Treatment, Destination]
ROLES = ["editor", "reviewer"]


def relations(model):
    return [field for field in model._meta.get_fields(include_hidden=True) if field.is_relation and field.related_model]


def paths_into_requests(model):
    """Each lookup path from ``model`` into a request model, one relation long or two."""
    for field in relations(model):
        if field.related_model in REQUEST_MODELS:
            yield field.name
            continue
        for further in relations(field.related_model):
            if further.related_model in REQUEST_MODELS:
                yield f"{field.name}__{further.name}"


LOOKUPS = [
    (model, f"{path}{suffix}", value)
    for model in EDITOR_VISIBLE
    for path in paths_into_requests(model)
    for suffix, value in (("__isnull", "False"), ("", "1"))
]


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def data(superuser):
    article = make_article(tags=[make_tag()])
    treatment = Treatment.objects.create(name="Knee", slug="knee", related_article=article)
    quote_request = make_request(treatment=treatment, treatment_other="", source_article=article, assignee=superuser)
    quote_request.destinations.add(Destination.objects.create(name="Spain"))
    return quote_request


@pytest.mark.parametrize("role", ROLES)
def test_editors_and_reviewers_open_the_lists_these_tests_cover(client, request, role):
    client.force_login(request.getfixturevalue(role))
    seen = [model for model in EDITOR_VISIBLE if client.get(changelist(model)).status_code == 200]
    assert seen, role
    if role == "editor":
        assert seen == EDITOR_VISIBLE


def test_every_editor_visible_model_with_a_way_into_requests_is_tried():
    tried = {(model, lookup.split("__")[0]) for model, lookup, _ in LOOKUPS}
    article = apps.get_model("articles", "Article")
    assert (article, "quote_requests") in tried and (article, "treatments") in tried
    assert (Treatment, "requests") in tried and (Destination, "requests") in tried
    assert any(model._meta.model_name == "auditevent" and lookup.startswith("user__") for model, lookup, _ in LOOKUPS)


@pytest.mark.parametrize(
    "model,lookup,value", LOOKUPS, ids=[f"{model._meta.model_name}-{lookup}" for model, lookup, _ in LOOKUPS]
)
def test_no_editor_visible_list_filters_through_quote_requests(client, request, data, model, lookup, value):
    for role in ROLES:
        client.force_login(request.getfixturevalue(role))
        if client.get(changelist(model)).status_code != 200:
            continue  # a list this role does not see at all
        response = client.get(changelist(model), {lookup: value})
        assert response.status_code == 400, (role, lookup)


@pytest.mark.parametrize("model,to_field", [(apps.get_model("articles", "Article"), "quote_requests"), (Treatment, "requests"), (Destination, "requests")])
def test_no_editor_visible_list_refers_to_requests_with_to_field(client, editor, data, model, to_field):
    client.force_login(editor)
    assert client.get(changelist(model), {"_to_field": to_field}).status_code == 400
    assert client.get(changelist(model), {"_to_field": "id"}).status_code == 200


def test_superusers_may_still_filter_articles_by_their_requests(client, superuser, data):
    client.force_login(superuser)
    response = client.get(changelist(apps.get_model("articles", "Article")), {"quote_requests__isnull": "False"})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == [data.source_article]


def test_triage_staff_still_filter_requests_through_the_catalogue(client, triage, data):
    client.force_login(triage)
    response = client.get(changelist(QuoteRequest), {"treatment__id__exact": data.treatment_id, "destinations__id__exact": data.destinations.get().pk})
    assert list(response.context["cl"].result_list) == [data]


@pytest.mark.parametrize("role", ROLES)
def test_the_filters_editors_and_reviewers_are_offered_still_work(client, request, data, role):
    from articles.models import AuditEvent

    AuditEvent.objects.create(article=data.source_article, article_title="x", action="publish", user=request.getfixturevalue(role))
    client.force_login(request.getfixturevalue(role))
    tried = 0
    for model in EDITOR_VISIBLE:
        response = client.get(changelist(model))
        if response.status_code != 200:
            continue
        for spec in response.context["cl"].filter_specs:
            for choice in spec.choices(response.context["cl"]):
                params = dict(parse_qsl(choice["query_string"].lstrip("?")))
                assert client.get(changelist(model), params).status_code == 200, (model, params)
                tried += 1
    assert tried > 10
