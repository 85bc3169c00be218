"""The access log's entries, once of one request each, keep their request and reference (quotes 0004 to 0007)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quotes.models import AccessLog
from quotes.services import log_access
from tests.quotes.test_admin import make_request

BEFORE = [("quotes", "0004_accessedrequest")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


@pytest.mark.django_db(transaction=True)
def test_entries_of_one_request_each_become_entries_with_one_accessed_request(triage):
    shown, erased = make_request(), make_request()
    log_access(quote_requests=[shown, erased], user=triage, action=AccessLog.Action.LIST)
    try:
        old = migrate(BEFORE)  # back: an entry keeps its first request
        OldAccessLog = old.get_model("quotes", "AccessLog")
        entry = OldAccessLog.objects.get()
        assert (entry.quote_request_id, entry.reference, entry.action) == (shown.pk, shown.reference, "list")
        OldAccessLog.objects.create(quote_request=None, reference="MT-2020-GONE01", user_id=triage.pk, action="export")
    finally:
        migrate()
    entries = {entry.action: [(a.quote_request_id, a.reference) for a in entry.requests.all()] for entry in AccessLog.objects.all()}
    assert entries == {"list": [(shown.pk, shown.reference)], "export": [(None, "MT-2020-GONE01")]}
    assert AccessLog.objects.get(action="export").user == triage
