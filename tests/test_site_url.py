"""
SITE_URL, the address of the links in e-mails, comes from the environment; `make run` and `make serve` set it
to the address they serve. The targets run for real, with a stand-in for the virtualenv's python and gunicorn
that writes down the SITE_URL and arguments each command got.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The servers' stand-ins stay up until the mail worker beside them has started, as real servers would.
STAND_IN = """#!/bin/sh
printf "%s %s\\n" "$SITE_URL" "$*" >> "$MAKE_TARGET_LOG"
case "$*" in *runserver*|*gunicorn.conf.py*)
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        grep -q mail_worker "$MAKE_TARGET_LOG" && break; sleep 0.25
    done;;
esac
"""
# Variables of the test run that would change what the targets do.
NOT_PASSED_ON = {"SITE_URL", "HOST", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
SEND_EMAILS = """
from types import SimpleNamespace
from quotes.models import QuoteRequest
from quotes.services import new_request_emails, patient_link
print(new_request_emails(QuoteRequest(pk=7, reference="MT-2026-ABC123", email="patient@example.org"))[1]["body"])
print(patient_link(SimpleNamespace(token="a-token", quote_request=QuoteRequest(language="en-gb"))))
"""
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def test_links_in_e_mails_lead_to_the_site_url_of_the_environment(tmp_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_DEBUG="1",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SITE_URL="http://0.0.0.0:9001/",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SEND_EMAILS],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "http://0.0.0.0:9001/admin/quotes/quoterequest/7/change/" in result.stdout
    assert "\nhttp://0.0.0.0:9001/quote/view/" in result.stdout
    assert "8000" not in result.stdout


def commands_of(target, tmp_path, *variables, **environment):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for program in ("python", "gunicorn"):
        (venv / "bin" / program).write_text(STAND_IN)
        (venv / "bin" / program).chmod(0o755)
    (venv / ".installed").touch()  # newer than requirements.txt: nothing to install
    log = tmp_path / "commands.log"
    env = {key: value for key, value in os.environ.items() if key not in NOT_PASSED_ON}
    env.update(environment, MAKE_TARGET_LOG=str(log), DJANGO_SECRET_KEY="x" * 50)
    result = subprocess.run(
        ["make", "-s", target, f"VENV={venv}", f"BIN={venv / 'bin'}", *variables],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [line.split(" ", 1) for line in log.read_text().splitlines()]


@needs_make
def test_make_run_puts_its_host_and_port_in_every_commands_site_url(tmp_path):
    commands = commands_of("run", tmp_path, "HOST=0.0.0.0", "PORT=9001")

    arguments = [arguments for _, arguments in commands]
    assert arguments[:4] == [
        "manage.py migrate --noinput",
        "manage.py setup_groups",
        "manage.py load_demo_content",
        "manage.py demo_accounts --url http://0.0.0.0:9001/admin/",
    ]
    # The server and the mail worker run side by side: either may start first.
    assert sorted(arguments[4:]) == ["manage.py mail_worker --no-reload", "manage.py runserver 0.0.0.0:9001"]
    assert {site_url for site_url, _ in commands} == {"http://0.0.0.0:9001"}


@needs_make
def test_make_run_keeps_a_site_url_set_by_the_user(tmp_path):
    commands = commands_of("run", tmp_path, "PORT=9001", SITE_URL="https://magazine.test/")

    assert {site_url for site_url, _ in commands} == {"https://magazine.test/"}
    assert "manage.py demo_accounts --url https://magazine.test/admin/" in [arguments for _, arguments in commands]
    assert "manage.py runserver 127.0.0.1:9001" in [arguments for _, arguments in commands[-2:]]


@needs_make
def test_make_serve_puts_its_host_and_port_in_the_site_url(tmp_path):
    commands = commands_of("serve", tmp_path, "HOST=127.0.0.1", "PORT=9002")

    arguments = [arguments for _, arguments in commands]
    assert arguments[:2] == ["manage.py migrate --noinput", "manage.py collectstatic --noinput -v0"]
    assert sorted(arguments[2:]) == ["-c gunicorn.conf.py", "manage.py mail_worker --no-reload"]
    assert {site_url for site_url, _ in commands} == {"http://127.0.0.1:9002"}
