"""The site's URLs plus the benchmark's ceiling: the least a Django view can do on the same server setup."""

from django.http import HttpResponse
from django.urls import path

from magazine.urls import urlpatterns as site_urlpatterns


def ceiling(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench-ceiling"), *site_urlpatterns]
