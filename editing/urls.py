from django.urls import path

from . import views

app_name = "editing"
urlpatterns = [
    path("<str:token>/", views.SharedPreviewView.as_view(), name="shared-preview"),
]
