from csp.middleware import CSPMiddleware, PolicyParts

# Features no page of the magazine uses: browsers refuse them to any script that asks.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "usb", "browsing-topics",
    )  # fmt: skip
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    The site's strict policy everywhere, loosened for the staff-only admin only as far as
    CKEditor 4 needs (SECURITY.md): its toolbar uses inline event handlers and inline styles.
    """

    ADMIN_ALLOWANCES = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"], "img-src": ["blob:"]}

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/"):
            return PolicyParts(parts.config, {**self.ADMIN_ALLOWANCES, **(parts.update or {})}, parts.replace, parts.nonce)
        return parts
