"""
The production server and mail workers in processes of their own, with a real SMTP server (aiosmtpd) on a port of
this test's: a mail server that is down for a while loses no e-mail, and several workers on one queue never send
an e-mail twice.
"""

import contextlib
import email
import json
import subprocess
import sys
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from tests.live_site import ROOT, free_port, live_site
from tests.quotes.test_concurrent_submissions import DATABASES, FORM_TOKEN_RE, quote_form

pytestmark = pytest.mark.processes
TRIAGE = "triage@magazine.example"


class Inbox:
    """What the SMTP server received: (recipients, subject, Message-ID) of each message."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append((tuple(envelope.rcpt_tos), message["Subject"], message["Message-ID"]))
        return "250 Message accepted"

    def wait_for(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


@contextlib.contextmanager
def smtp_server(port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@contextlib.contextmanager
def mail_workers(site, count, tmp_path):
    """``count`` workers (manage.py mail_worker) on the site's database, stopped as a service manager stops them."""
    logs = [tmp_path / f"worker-{n}.log" for n in range(count)]
    workers = []
    for log in logs:
        with log.open("w") as output:
            workers.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "mail_worker", "--no-reload", "--no-startup-delay", "--interval=0.05"],
                    cwd=ROOT, env=site.environment, stdout=output, stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
    try:
        yield logs
    except BaseException:
        for log in logs:
            print(f"--- {log.name}\n{log.read_text()}")
        raise
    finally:
        for worker in workers:
            worker.terminate()  # finishes the e-mail it is sending
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def wait_for_lines(logs, line, count, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(log.read_text().count(line) for log in logs) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} lines {line!r} in the workers' logs")


def outbox_rows(site):
    script = "import json; from outbox.models import Email; print(json.dumps(list(Email.objects.values_list('status', 'attempts'))))"
    return json.loads(site.manage("shell", "--no-imports", "-c", script).stdout)


def submit_quote_requests(site, count):
    for n in range(count):
        browser = site.session()
        _, _, page = browser.get("/quote/")
        status, headers, _ = browser.post("/quote/", quote_form(n, FORM_TOKEN_RE.search(page)[1]))
        assert (status, headers["Location"]) == (302, "/quote/thanks/")


def site_environment(smtp_port, **more):
    return {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "QUOTE_TRIAGE_EMAIL": TRIAGE,
        "QUOTE_MIN_FILL_SECONDS": "0",
        "QUOTE_RATE_LIMIT": "1000",
        **more,
    }


@pytest.mark.parametrize("database", DATABASES)
def test_a_mail_server_down_for_a_while_then_back_gets_every_email_once(tmp_path, database):
    requests = 4
    port = free_port()  # nothing listens there yet: the mail server is down
    env = site_environment(port, EMAIL_RETRY_SECONDS="0.2", EMAIL_RETRY_MAX_SECONDS="0.8")
    with live_site(tmp_path, env=env, database=database) as site:
        submit_quote_requests(site, requests)  # the patients get their answer: nothing waits for the mail server
        with mail_workers(site, 2, tmp_path) as logs:
            # The workers try, fail, and wait longer each time (0.2 s, 0.4 s, 0.8 s, 0.8 s...).
            wait_for_lines(logs, "attempt 2 failed (ConnectionRefusedError), next in", 2 * requests)
            with smtp_server(port) as inbox:
                inbox.wait_for(2 * requests)
                time.sleep(1)  # time for a second copy to arrive, were one sent
                received = list(inbox.messages)
        rows = outbox_rows(site)

    sent = sorted((recipients, subject.split()[0]) for recipients, subject, _ in received)
    assert sent == sorted([((f"patient-{n}@example.org",), "Your") for n in range(requests)] + [((TRIAGE,), "New")] * requests)
    assert len({message_id for _, _, message_id in received}) == 2 * requests  # no e-mail twice
    assert {status for status, _ in rows} == {"sent"}
    # A few attempts each, not one every 0.05 s as the workers look for tasks.
    assert all(3 <= attempts <= 6 for _, attempts in rows), rows


QUEUE_EMAILS = """
from outbox.models import Email
from outbox.services import queue_email
for n in range({count}):
    queue_email(topic=Email.Topic.QUOTES, about=f"MT-2026-{{n:06d}}", subject=f"E-mail {{n}}", body="Hello", to=["triage@magazine.example"])
"""


@pytest.mark.parametrize("database", DATABASES)
def test_workers_side_by_side_never_send_an_email_twice(tmp_path, database):
    count = 60
    port = free_port()
    with live_site(tmp_path, workers=1, env=site_environment(port), database=database) as site:
        site.manage("shell", "--no-imports", "-c", QUEUE_EMAILS.format(count=count))
        with smtp_server(port) as inbox, mail_workers(site, 3, tmp_path):
            inbox.wait_for(count)
            time.sleep(1)
            received = list(inbox.messages)
        rows = outbox_rows(site)
    subjects = sorted(subject for _, subject, _ in received)
    assert subjects == sorted(f"E-mail {n}" for n in range(count))
    assert rows == [["sent", 1]] * count
