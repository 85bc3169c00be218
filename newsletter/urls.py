from django.urls import path

from . import views

app_name = "newsletter"
urlpatterns = [
    path("", views.SignupView.as_view(), name="signup"),
    path("thanks/", views.ThanksView.as_view(), name="thanks"),
    path("confirm/<str:signed>/", views.ConfirmView.as_view(), name="confirm"),
    path("unsubscribe/<str:signed>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
