"""
The security headers that Django's own middleware does not send: a Content Security Policy for each kind of
response, Cross-Origin-Resource-Policy and Permissions-Policy. SECURITY.md gives each policy and why.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings

# Features no page of the magazine uses: browsers refuse them to any script that asks.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "usb", "browsing-topics",
    )  # fmt: skip
)
# The address the site's icon is asked for, whatever a page says (magazine/urls.py answers it).
FAVICON_PATH = "/favicon.ico"
# The script of CKEditor 4 in a form's media (django-ckeditor's widget).
RICH_TEXT_EDITOR_SCRIPT = "ckeditor/ckeditor/ckeditor.js"


def cross_origin_resource_policy(path):
    """
    Files (static files, uploaded images, the icon) hold nothing private and other sites show them: feed readers
    display an article's images from its feed, link previews its hero image. What the application renders (pages,
    feeds, the admin, medical records, exports) is for this site's own pages only.
    """
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL, FAVICON_PATH)):
        return "cross-origin"
    return "same-origin"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", cross_origin_resource_policy(request.path))
        return response


def policy_of(request, response):
    """
    The directives of the response's policy: None (django-csp's CONTENT_SECURITY_POLICY) for the site's pages,
    CONTENT_SECURITY_POLICY_ADMIN for the admin's, CONTENT_SECURITY_POLICY_RESOURCES for what is not an HTML page.
    """
    if not response.get("Content-Type", "").startswith("text/html"):
        return settings.CONTENT_SECURITY_POLICY_RESOURCES
    match = getattr(request, "resolver_match", None)
    if match is not None and "admin" in match.app_names:
        return settings.CONTENT_SECURITY_POLICY_ADMIN
    return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    The policy of each kind of response (``policy_of``): the site's pages, the admin's, and everything that is not
    an HTML page (feeds, sitemaps, files, JSON), which loads nothing. Admin pages that load CKEditor 4 add what it
    needs (CONTENT_SECURITY_POLICY_RICH_TEXT_EDITOR). A view may still adjust its policy with django-csp's decorators.
    """

    def process_template_response(self, request, response):
        # The pages whose form loads the editor, whichever view shows the form: add, change, a revision, a recovery.
        media = (response.context_data or {}).get("media")
        if media is not None and RICH_TEXT_EDITOR_SCRIPT in media._js:
            response.loads_rich_text_editor = True
        return response

    def process_response(self, request, response):
        if response.status_code == 304:
            # A browser that revalidates a page keeps the policy it stored with the page, unless the 304 brings
            # another; the 304 has no content type to choose a policy by, so it brings none.
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None:
            parts.config = policy_of(request, response)
        if getattr(response, "loads_rich_text_editor", False):
            parts.update = {**settings.CONTENT_SECURITY_POLICY_RICH_TEXT_EDITOR, **(parts.update or {})}
        return parts
