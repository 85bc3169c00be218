"""
The public clinic directory and destination pages. Filters are parts of the path (``/clinics/country/tr/``),
not query parameters: the page cache keeps one page per path (and ``?page=``), so each filtered list is a page
of its own, cached and listed in the sitemap's reach. The filter form goes through ``ClinicFilterView``, which
is never cached and redirects to that path.
"""

import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, RedirectView
from django_countries import countries

from magazine.links import cached_reverse
from magazine.pagecache import public_page
from quotes.models import Treatment

from .models import Clinic, DestinationPage
from .structured_data import clinic_json_ld

COUNTRY_CODE_RE = re.compile(r"[a-z]{2}")
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,120}")


def clinic_list_url(country=None, treatment=None):
    """The address of the clinic list for a country code and a treatment slug (either may be None)."""
    if country and treatment:
        return cached_reverse("clinics:country-treatment", country=country.lower(), treatment=treatment)
    if country:
        return cached_reverse("clinics:country", country=country.lower())
    if treatment:
        return cached_reverse("clinics:treatment", treatment=treatment)
    return cached_reverse("clinics:list")


def canonical(request, path):
    """The page's own address: its path, and its page number past the first."""
    page = request.GET.get("page", "")
    return request.build_absolute_uri(path) + (f"?page={page}" if page.isdigit() and page != "1" else "")


class ClinicFilterView(RedirectView):
    """The filter form's answer: the list at the path of the choices that exist; unknown ones are dropped."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        country = self.request.GET.get("country", "").strip().upper()
        treatment = self.request.GET.get("treatment", "").strip()
        listed = Clinic.objects.listed()
        if not (len(country) == 2 and country in countries and listed.filter(country=country).exists()):
            country = None
        if not (SLUG_RE.fullmatch(treatment) and listed.filter(treatments__slug=treatment).exists()):
            treatment = None
        return clinic_list_url(country, treatment)


@method_decorator(public_page, name="dispatch")
class ClinicListView(ListView):
    template_name = "clinics/clinic_list.html"
    paginate_by = 24

    @cached_property
    def country(self):
        code = self.kwargs.get("country")
        if code is None:
            return None
        if not COUNTRY_CODE_RE.fullmatch(code) or code.upper() not in countries:
            raise Http404("No such country.")
        return code.upper()

    @cached_property
    def treatment(self):
        slug = self.kwargs.get("treatment")
        return None if slug is None else get_object_or_404(Treatment, slug=slug)

    def get_queryset(self):
        clinics = Clinic.objects.listed().for_listing()
        if self.country:
            clinics = clinics.filter(country=self.country)
        if self.treatment:
            clinics = clinics.filter(treatments=self.treatment)
        return clinics.order_by("name", "pk")

    def get_context_data(self, **kwargs):
        listed = Clinic.objects.listed()
        country_codes = set(listed.order_by().values_list("country", flat=True).distinct())
        filter_countries = sorted(((code, countries.name(code)) for code in country_codes), key=lambda item: item[1])
        filter_treatments = Treatment.objects.filter(clinics__in=listed).distinct().order_by("name")
        country_name = countries.name(self.country) if self.country else None
        if self.treatment and country_name:
            heading = _("%(treatment)s: clinics in %(country)s") % {"treatment": self.treatment.name, "country": country_name}
        elif self.treatment:
            heading = _("%(treatment)s: clinics") % {"treatment": self.treatment.name}
        elif country_name:
            heading = _("Clinics in %(country)s") % {"country": country_name}
        else:
            heading = _("Clinics and hospitals")
        return super().get_context_data(
            heading=heading,
            country=self.country,
            country_name=country_name,
            treatment=self.treatment,
            filter_countries=filter_countries,
            filter_treatments=list(filter_treatments),
            canonical_url=canonical(self.request, self.request.path),
            **kwargs,
        )


@method_decorator(public_page, name="dispatch")
class ClinicDetailView(DetailView):
    template_name = "clinics/clinic_detail.html"

    def get_queryset(self):
        return Clinic.objects.listed().for_listing()

    def get_context_data(self, **kwargs):
        clinic = self.object
        treatments = list(clinic.treatments.all())
        accreditations = clinic.current_accreditations()
        pages = DestinationPage.objects.published().filter(country=clinic.country, treatment__in=treatments)
        destination_pages = {page.treatment_id: page for page in pages}
        json_ld = clinic_json_ld(clinic, self.request, accreditations, treatments)
        return super().get_context_data(
            clinic=clinic,
            treatments=[(treatment, destination_pages.get(treatment.pk)) for treatment in treatments],
            accreditations=accreditations,
            json_ld=json_ld,
            canonical_url=json_ld["url"],
            **kwargs,
        )


@method_decorator(public_page, name="dispatch")
class DestinationListView(ListView):
    template_name = "clinics/destination_list.html"
    paginate_by = 30

    def get_queryset(self):
        return DestinationPage.objects.published().select_related("treatment").order_by("title", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(canonical_url=canonical(self.request, self.request.path), **kwargs)


@method_decorator(public_page, name="dispatch")
class DestinationDetailView(DetailView):
    template_name = "clinics/destination_detail.html"
    context_object_name = "destination"

    def get_queryset(self):
        return DestinationPage.objects.published().select_related("treatment")

    def get_context_data(self, **kwargs):
        destination = self.object
        return super().get_context_data(
            clinics=list(destination.clinics()),
            related=list(destination.related_articles()),
            clinics_url=clinic_list_url(destination.country.code, destination.treatment.slug),
            canonical_url=self.request.build_absolute_uri(destination.get_absolute_url()),
            **kwargs,
        )
