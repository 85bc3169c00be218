import io

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from clinics.forms import AccreditationForm, ClinicForm, DestinationPageForm
from clinics.models import Accreditation, Clinic, DestinationPage

pytestmark = pytest.mark.django_db


def load():
    output = io.StringIO()
    call_command("load_demo_content", stdout=output)
    return output.getvalue()


def snapshot():
    return {
        model.__name__: sorted(
            (tuple(sorted((key, str(value)) for key, value in model_to_dict(row).items())) for row in model.objects.all())
        )
        for model in (Clinic, Accreditation, DestinationPage)
    }


def test_demo_content_has_clinics_with_one_expired_accreditation_and_priced_destination_pages():
    output = load()
    assert "Clinics: 5 created" in output and "Destination pages: 3 created" in output
    assert Clinic.objects.listed().count() == 5
    assert Accreditation.objects.expired().count() == 1
    assert Accreditation.objects.valid().count() == Accreditation.objects.count() - 1
    pages = DestinationPage.objects.published()
    assert pages.count() == 3
    assert all(page.has_price and page.price_date and page.price_source for page in pages)
    assert all(page.clinics().exists() for page in pages)


def test_the_demo_rows_pass_the_admin_forms():
    load()
    for clinic in Clinic.objects.all():
        form = ClinicForm(data={**model_to_dict(clinic), "treatments": [t.pk for t in clinic.treatments.all()]}, instance=clinic)
        assert form.is_valid(), form.errors
    for accreditation in Accreditation.objects.all():
        assert AccreditationForm(data=model_to_dict(accreditation), instance=accreditation).is_valid()
    for page in DestinationPage.objects.all():
        data = {**model_to_dict(page), "tags": [tag.pk for tag in page.tags.all()]}
        assert DestinationPageForm(data=data, instance=page).is_valid()


def test_running_it_again_changes_nothing():
    load()
    before = snapshot()
    output = load()
    assert "Clinics: 0 created, 5 already present." in output
    assert "Destination pages: 0 created, 3 already present." in output
    assert snapshot() == before


def test_a_clinic_manager_s_edits_survive_a_rerun():
    load()
    clinic = Clinic.objects.get(slug="aegean-dental-clinic")
    clinic.accreditations.filter(body="temos").delete()
    clinic.is_listed = False
    clinic.save()
    load()
    clinic.refresh_from_db()
    assert not clinic.is_listed and not clinic.accreditations.filter(body="temos").exists()
