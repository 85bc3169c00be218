"""
The site's error pages, the handlers named in magazine/urls.py.

Django's own handlers run the CSRF check again before they render (``requires_csrf_token``), and that check reads
``request.POST``. When the error is the body itself, such as a form declaring a charset other than UTF-8, which
Django refuses to decode at every read, the 400 handler failed in turn, then the 500 handler: gunicorn answered
with its bare 500 and logged the chain. These handlers never read the body, and leave it read as an empty form
for what runs after them (the error log, which may describe the request).
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string


def forget_unread_body(request):
    # Django keeps an empty form in place of a multipart body it could not parse or of one over its size and field
    # limits, but not of a urlencoded body in another charset (django.http.request, ticket #34709): mark that one
    # too, as Django's own handling does for the others.
    if request.method == "POST" and not hasattr(request, "_post"):
        request._mark_post_parse_error()


def bad_request(request, exception):
    forget_unread_body(request)
    return render(request, "400.html", status=400)


def page_not_found(request, exception):
    # An unknown address is resolved before the CSRF middleware reads the body: Django's 404 handler was the
    # first to read it.
    forget_unread_body(request)
    return render(request, "404.html", status=404)


def server_error(request):
    forget_unread_body(request)
    # No request context: the page reads nothing (no database, no session, no site data), whatever has failed.
    return HttpResponseServerError(render_to_string("500.html"))
