"""The site-wide commands (magazine/management/): the staff groups gathered from the apps' permissions."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from magazine.management.commands.setup_groups import staff_groups

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_setup_groups_gives_each_group_its_permissions(groups):
    editors = set(groups["Editors"].permissions.values_list("codename", flat=True))
    reviewers = set(groups["Medical reviewers"].permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "add_author", "change_category", "add_editorimage", "change_siteblock"} <= editors
    assert "review_article" not in editors
    assert "review_article" in reviewers and "delete_article" not in reviewers
    assert not any(perm.content_type.model == "quoterequest" for perm in groups["Editors"].permissions.all())
    assert {"add_treatment", "change_destination"} <= editors
    triage = set(groups["Quote triage"].permissions.values_list("codename", flat=True))
    assert {"view_quoterequest", "change_quoterequest"} <= triage and not any("article" in c for c in triage)


def test_setup_groups_is_idempotent(groups):
    before = {name: group.permissions.count() for name, group in groups.items()}
    run("setup_groups")
    assert {group.name: group.permissions.count() for group in Group.objects.all()} == before


def test_each_app_says_what_the_groups_may_do_with_its_own_models():
    groups = staff_groups()
    assert set(groups) == {
        "Editors", "Medical reviewers", "Quote triage", "Triage managers", "Newsletter managers", "Clinic managers",
    }  # fmt: skip
    # Articles, the treatment catalogue, the reviewers' reminder e-mails, the editor tools, the newsletter's digests
    # and the destination pages.
    assert set(groups["Editors"]) == {"articles", "quotes", "outbox", "editing", "newsletter", "clinics"}
    assert set(groups["Editors"]["newsletter"]) == {"digest"}
    assert set(groups["Newsletter managers"]) == {"newsletter", "outbox"}
    assert set(groups["Newsletter managers"]["outbox"]) == {"newsletteremail"}
    # Triage reads the clinics directory to name a quote's clinic.
    assert set(groups["Quote triage"]) == set(groups["Triage managers"]) == {"quotes", "outbox", "clinics"}
    assert set(groups["Clinic managers"]) == {"clinics"}
    assert set(groups["Quote triage"]["clinics"]) == {"clinic", "accreditation"}
    assert "quoterequest" not in groups["Editors"]["quotes"]
    assert set(groups["Editors"]["outbox"]) == {"reviewreminderemail"}
    assert set(groups["Quote triage"]["outbox"]) == set(groups["Triage managers"]["outbox"]) == {"quoteemail"}
