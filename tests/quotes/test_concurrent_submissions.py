"""
Patients who send the quote form at the same moment to the production server (gunicorn, several worker
processes of several threads) all get the thank-you page, and each gets one request in the database.

On SQLite this needs the DATABASES options of magazine/settings.py. With Django's defaults (rollback
journal, deferred transactions, 5 s busy timeout) this test failed: 46, 62 and 77 of the 100 answers were
HTTP 500 "database is locked" in three runs, raised where the request is saved after the reads of
submit_quote_request, and those patients' requests were lost. The WAL journal alone still gave 37 and 56.
"""

import json
import os
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_site import live_site

SUBMISSIONS = 100
ENV = {
    "QUOTE_MIN_FILL_SECONDS": "0",
    "QUOTE_RATE_LIMIT": "1000000",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
FORM_TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')
REFERENCE_RE = re.compile(r"MT-\d{4}-[A-Z0-9]{6}")
DATABASES = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="DATABASE_URL is not PostgreSQL"
        ),
    ),
]


def quote_form(n, form_token):
    return {
        "name": f"Patient {n}",
        "email": f"patient-{n}@example.org",
        "phone": "",
        "country": "GB",
        "treatment": "other",
        "treatment_other": "Knee replacement",
        "condition_summary": "Osteoarthritis of the right knee, looking for a replacement.",
        "budget": "15k_30k",
        "travel_window": "3_6_months",
        "contact_method": "email",
        "consent": "on",
        "website": "",
        "form_token": form_token,
        "article": "",
    }


@pytest.mark.processes
@pytest.mark.parametrize("database", DATABASES)
def test_simultaneous_quote_submissions_all_succeed_with_one_request_each(tmp_path, database):
    with live_site(tmp_path, workers=3, threads=4, env=ENV, database=database) as site:
        ready = threading.Barrier(SUBMISSIONS)

        def submit(n):
            browser = site.session()
            try:
                _, _, page = browser.get("/quote/")  # the form token and the CSRF cookie of this patient
                form_token = FORM_TOKEN_RE.search(page)[1]
                ready.wait(timeout=60)
            except BaseException:
                ready.abort()
                raise
            status, headers, _ = browser.post("/quote/", quote_form(n, form_token))
            if status != 302:
                return status, None, None
            thanks_status, _, thanks = browser.get(headers["Location"])
            shown = REFERENCE_RE.search(thanks)
            return status, headers["Location"], shown[0] if thanks_status == 200 and shown else None

        with ThreadPoolExecutor(SUBMISSIONS) as pool:
            answers = list(pool.map(submit, range(SUBMISSIONS)))

        assert Counter(status for status, _, _ in answers) == {302: SUBMISSIONS}
        assert {location for _, location, _ in answers} == {"/quote/thanks/"}
        saved = json.loads(
            site.manage(
                "shell", "--no-imports", "-c",
                "import json; from quotes.models import QuoteRequest;"
                "print(json.dumps(list(QuoteRequest.objects.values_list('email', 'reference'))))",
            ).stdout
        )  # fmt: skip
        assert len(saved) == SUBMISSIONS
        references = dict(saved)
        # Each patient's thank-you page, found through their session, shows the reference of their own request.
        assert [reference for _, _, reference in answers] == [
            references.get(f"patient-{n}@example.org") for n in range(SUBMISSIONS)
        ]
