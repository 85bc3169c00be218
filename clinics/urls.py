from django.urls import path

from . import views

app_name = "clinics"
urlpatterns = [
    path("clinics/", views.ClinicListView.as_view(), name="list"),
    path("clinics/filter/", views.ClinicFilterView.as_view(), name="filter"),
    path("clinics/country/<str:country>/", views.ClinicListView.as_view(), name="country"),
    path("clinics/treatment/<slug:treatment>/", views.ClinicListView.as_view(), name="treatment"),
    path(
        "clinics/country/<str:country>/treatment/<slug:treatment>/",
        views.ClinicListView.as_view(),
        name="country-treatment",
    ),
    path("clinics/<slug:slug>/", views.ClinicDetailView.as_view(), name="detail"),
    path("destinations/", views.DestinationListView.as_view(), name="destinations"),
    path("destinations/<slug:slug>/", views.DestinationDetailView.as_view(), name="destination"),
]
