"""The patient's answers, once per quote, join the conversation of the quote's request (quotes 0008 and 0009)."""

import pytest

from quotes.models import PatientMessage
from tests.quotes.test_access_log_migration import migrate
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote

BEFORE = [("quotes", "0007_accesslog_page_and_query")]


@pytest.mark.django_db(transaction=True)
def test_each_answer_becomes_a_message_of_its_quotes_request():
    first, second = make_request(), make_request()
    quotes = [make_quote(first), make_quote(first), make_quote(second)]
    try:
        old = migrate(BEFORE)
        OldMessage = old.get_model("quotes", "PatientMessage")
        OldMessage.objects.create(quote_id=quotes[0].pk, kind="accepted")
        OldMessage.objects.create(quote_id=quotes[1].pk, kind="question", text="Is the flight included?")
        OldMessage.objects.create(quote_id=quotes[2].pk, kind="question", text="When can I travel?")
    finally:
        migrate()
    kept = [(m.quote_request_id, m.quote_id, m.kind, m.text, m.author_id) for m in PatientMessage.objects.order_by("pk")]
    assert kept == [
        (first.pk, quotes[0].pk, "accepted", "", None),
        (first.pk, quotes[1].pk, "question", "Is the flight included?", None),
        (second.pk, quotes[2].pk, "question", "When can I travel?", None),
    ]
    assert [m.from_patient for m in first.messages.all()] == [True, True]
