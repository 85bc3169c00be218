import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Author
from tests.conftest import make_article, make_author

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_accounts_prints_passwords_once_and_links_the_reviewer(groups, settings):
    settings.DEBUG = True
    reviewer_profile = make_author(name="Dr Ana Ruiz", credentials="MD")
    make_article(medical_reviewer=reviewer_profile, last_reviewed=datetime.date(2026, 1, 1))
    first = run("demo_accounts")
    assert "http://127.0.0.1:8000/admin/" in first
    assert "admin " in first and "passwords are shown only this once" in first
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="editor").groups.get().name == "Editors"
    assert Author.objects.get(user__username="reviewer") == reviewer_profile
    second = run("demo_accounts")
    assert "shown only this once" not in second and "changepassword" in second
    assert User.objects.get(username="clinics").groups.get().name == "Clinic managers"
    assert User.objects.count() == 6


def test_demo_accounts_refuse_to_run_without_debug(groups, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development only"):
        run("demo_accounts")
