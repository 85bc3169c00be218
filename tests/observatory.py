"""
The MDN HTTP Observatory's score of one page of the site, from what the site sends: the published rules
(developer.mozilla.org/en-US/observatory/docs/tests_and_scoring, mdn/mdn-http-observatory's analyzer, algorithm
version 5), written again in Python for the tests. Each of its ten tests gives a result and a modifier; the
penalties come off 100 and, if that leaves at least 90, the bonuses are added.

Two results depend on more than the page: whether the host is on the browsers' HSTS preload list (``preloaded``)
and what plain HTTP answers (``http_response``, the response to the same address without TLS).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

MODIFIERS = {
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    "redirection-to-https": 0,
    "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    "hsts-preloaded": 5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 5,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    "cross-origin-resource-policy-implemented-with-same-origin": 10,
    "cross-origin-resource-policy-implemented-with-same-site": 10,
    "cross-origin-resource-policy-implemented-with-cross-origin": 0,
    "cross-origin-resource-policy-not-implemented": 0,
    "cross-origin-resource-policy-header-invalid": -5,
}
BROAD_SOURCES = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
INLINE_SOURCES = {"'unsafe-inline'", "data:"}
SIX_MONTHS = 15_768_000


@dataclass
class Score:
    results: dict = field(default_factory=dict)  # test: result

    @property
    def total(self):
        modifiers = [MODIFIERS[result] for result in self.results.values()]
        penalised = 100 + sum(m for m in modifiers if m < 0)
        return max(0, penalised + sum(m for m in modifiers if m > 0) if penalised >= 90 else penalised)

    @property
    def grade(self):
        chart = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"), (50, "C"),
                 (45, "C-"), (40, "D+"), (30, "D"), (25, "D-")]  # fmt: skip
        return next((grade for bound, grade in chart if self.total >= bound), "F")

    def bonuses(self):
        return {test: result for test, result in self.results.items() if MODIFIERS[result] > 0}


def parse_csp(header):
    """The policy as {directive: set of sources}; ValueError where the Observatory finds it invalid."""
    header = header.replace("\r", "").replace("\n", "").strip()
    if len(header) < len("img-src") - 1:
        raise ValueError(header)
    policy = {}
    for entry in header.split(";"):
        if not entry.strip():
            continue
        directive, *sources = entry.split()
        directive = directive.lower()
        if directive in policy:
            raise ValueError(f"{directive} twice")
        sources = {source.lower() for source in sources}
        policy[directive] = sources or ({"'none'"} if directive.endswith("-src") else set())
    return policy


def csp_result(header, scheme):
    if not header:
        return "csp-not-implemented", {}
    try:
        policy = parse_csp(header)
    except ValueError:
        return "csp-header-invalid", {}
    default = policy.get("default-src")
    script = set(policy.get("script-src") or default or {"*"})
    style = set(policy.get("style-src") or default or {"*"})
    objects = policy.get("object-src") or default or {"*"}
    for sources in (script, style):
        if any(s.startswith(("'sha256-", "'sha384-", "'sha512-", "'nonce-")) for s in sources):
            sources.discard("'unsafe-inline'")
    if "'strict-dynamic'" in script:
        if not any(s.startswith(("'sha256-", "'sha384-", "'sha512-", "'nonce-")) for s in script):
            return "csp-header-invalid", policy
        kept = [s for s in script if s not in {"'self'", "'unsafe-inline'"}]
        script = {s for s in kept if not s.startswith(tuple(BROAD_SOURCES))}
    passive = {s for d in ("img-src", "media-src") for s in (policy.get(d) or default or set())}
    active = {s for d, sources in policy.items() if d not in {"img-src", "media-src", "script-src"} for s in sources}
    active |= script
    insecure = ("http:", "ftp:")
    if script & (BROAD_SOURCES | INLINE_SOURCES) or objects & BROAD_SOURCES:
        return "csp-implemented-with-unsafe-inline", policy
    if scheme == "https" and any(s.startswith(insecure) for s in active):
        return "csp-implemented-with-insecure-scheme", policy
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval", policy
    if scheme == "https" and any(s.startswith(insecure) for s in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", policy
    if style & (BROAD_SOURCES | INLINE_SOURCES):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", policy
    if default == {"'none'"}:
        return "csp-implemented-with-no-unsafe-default-src-none", policy
    return "csp-implemented-with-no-unsafe", policy


def cookies_result(cookies, hsts):
    """``cookies``: the Set-Cookie morsels of every response of the scan; ``hsts``: the HSTS test passed."""
    if not cookies:
        return "cookies-not-found"
    worst_first = [
        "cookies-session-without-secure-flag", "cookies-session-without-httponly-flag",
        "cookies-anticsrf-without-samesite-flag", "cookies-samesite-flag-invalid",
        "cookies-session-without-secure-flag-but-protected-by-hsts", "cookies-without-secure-flag",
        "cookies-without-secure-flag-but-protected-by-hsts",
    ]  # fmt: skip
    found = set()
    for morsel in cookies:
        name, secure, samesite = morsel.key.lower(), bool(morsel["secure"]), str(morsel["samesite"]).lower()
        session = "login" in name or "sess" in name
        if samesite and samesite not in {"lax", "strict", "none"} or not secure and samesite == "none":
            found.add("cookies-samesite-flag-invalid")
        if not secure:
            found.add("cookies-without-secure-flag-but-protected-by-hsts" if hsts else "cookies-without-secure-flag")
        if "csrf" in name and not samesite:
            found.add("cookies-anticsrf-without-samesite-flag")
        if session and not secure:
            found.add(
                "cookies-session-without-secure-flag-but-protected-by-hsts" if hsts
                else "cookies-session-without-secure-flag"
            )  # fmt: skip
        if session and not morsel["httponly"]:
            found.add("cookies-session-without-httponly-flag")
    for result in worst_first:
        if result in found:
            return result
    if all(morsel["samesite"] for morsel in cookies):
        return "cookies-secure-with-httponly-sessions-and-samesite"
    return "cookies-secure-with-httponly-sessions"


def redirection_result(http_response, url):
    if http_response is None:
        return "redirection-not-needed-no-http"
    if http_response.status_code not in (301, 302, 303, 307, 308):
        return "redirection-missing"
    target = urlsplit(http_response["Location"])
    if target.scheme != "https":
        return "redirection-not-to-https"
    if target.hostname != urlsplit(url).hostname:
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def referrer_result(header):
    if header is None:
        return "referrer-policy-not-implemented"
    good = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]
    bad = ["origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"]
    known = [value.strip().lower() for value in header.split(",") if value.strip().lower() in good + bad]
    if not known:
        return "referrer-policy-header-invalid"
    return "referrer-policy-private" if known[-1] in good else "referrer-policy-unsafe"


def hsts_result(header, preloaded):
    if preloaded:
        return "hsts-preloaded"
    if header is None:
        return "hsts-not-implemented"
    max_age = None
    for parameter in header.lower().split(";"):
        if parameter.strip().startswith("max-age="):
            max_age = int(parameter.strip()[len("max-age=") :])
    if max_age is None or "," in header:
        return "hsts-header-invalid"
    if max_age < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months"
    return "hsts-implemented-max-age-at-least-six-months"


class ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def sri_result(response, url):
    if response.get("Content-Type", "").split(";")[0] not in {"text/html", "application/xhtml+xml"}:
        return "sri-not-implemented-response-not-html"
    collector = ScriptCollector()
    collector.feed(response.content.decode())
    if not collector.scripts:  # data blocks (JSON-LD) count as scripts here
        return "sri-not-implemented-but-no-scripts-loaded"
    best_first = [
        "sri-implemented-and-all-scripts-loaded-securely", "sri-implemented-and-external-scripts-loaded-securely",
        "sri-implemented-but-external-scripts-not-loaded-securely",
        "sri-not-implemented-but-external-scripts-loaded-securely",
        "sri-not-implemented-and-external-scripts-not-loaded-securely",
    ]  # fmt: skip
    site, result = urlsplit(url), None

    def only_if_worse(new):
        return new if result is None or best_first.index(new) > best_first.index(result) else result

    for script in (script for script in collector.scripts if script.get("src")):
        address, integrity = urlsplit(script["src"]), script.get("integrity")
        foreign = script["src"].startswith("//") or bool(address.netloc) and address.hostname != site.hostname
        secure = address.scheme == "https" or not address.netloc and site.scheme == "https"
        if foreign and integrity:
            result = only_if_worse(best_first[1] if secure else best_first[2])
        elif foreign:
            result = only_if_worse(best_first[3] if secure else best_first[4])
        elif integrity and secure and result is None:
            result = best_first[0]
    return result or "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"


def frame_options_result(header, csp_policy):
    if "frame-ancestors" in csp_policy:
        return "x-frame-options-implemented-via-csp"
    if header is None:
        return "x-frame-options-not-implemented"
    value = header.strip().lower()
    if value in {"deny", "sameorigin"}:
        return "x-frame-options-sameorigin-or-deny"
    return "x-frame-options-allow-from-origin" if value.startswith("allow-from") else "x-frame-options-header-invalid"


def resource_policy_result(header):
    if header is None:
        return "cross-origin-resource-policy-not-implemented"
    return {
        "same-origin": "cross-origin-resource-policy-implemented-with-same-origin",
        "same-site": "cross-origin-resource-policy-implemented-with-same-site",
        "cross-origin": "cross-origin-resource-policy-implemented-with-cross-origin",
    }.get(header.strip().lower(), "cross-origin-resource-policy-header-invalid")


def cors_result(response):
    allowed = response.get("Access-Control-Allow-Origin")
    if allowed is None:
        return "cross-origin-resource-sharing-not-implemented"
    if allowed.strip() == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    if response.get("Access-Control-Allow-Credentials", "").strip().lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def score(response, url, *, http_response=None, preloaded=False, cookies=None):
    """
    The score of ``response``, the answer to ``url`` over HTTPS (a Django test response). ``cookies``: the
    Set-Cookie morsels of the whole scan, the response's own by default.
    """
    scheme = urlsplit(url).scheme
    csp, policy = csp_result(response.get("Content-Security-Policy"), scheme)
    hsts = hsts_result(response.get("Strict-Transport-Security"), preloaded)
    hsts_passed = hsts in {"hsts-preloaded", "hsts-implemented-max-age-at-least-six-months"}
    nosniff = response.get("X-Content-Type-Options")
    return Score(
        {
            "content-security-policy": csp,
            "cookies": cookies_result(list((response.cookies if cookies is None else cookies).values()), hsts_passed),
            "cross-origin-resource-sharing": cors_result(response),
            "redirection": redirection_result(http_response, url),
            "referrer-policy": referrer_result(response.get("Referrer-Policy")),
            "strict-transport-security": hsts,
            "subresource-integrity": sri_result(response, url),
            "x-content-type-options": (
                "x-content-type-options-not-implemented" if nosniff is None
                else "x-content-type-options-nosniff" if nosniff.strip().lower() == "nosniff"
                else "x-content-type-options-header-invalid"
            ),  # fmt: skip
            "x-frame-options": frame_options_result(response.get("X-Frame-Options"), policy),
            "cross-origin-resource-policy": resource_policy_result(response.get("Cross-Origin-Resource-Policy")),
        }
    )
