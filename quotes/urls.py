from django.urls import path

from . import views

app_name = "quotes"
urlpatterns = [
    path("", views.QuoteRequestView.as_view(), name="request"),
    path("thanks/", views.QuoteThanksView.as_view(), name="thanks"),
    path("view/<str:signed>/", views.PatientQuoteView.as_view(), name="patient-quote"),
]
