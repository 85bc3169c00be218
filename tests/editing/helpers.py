from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, url):
    """The number of queries the page at ``url`` runs (asserting that it answers 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)
