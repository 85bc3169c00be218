"""
Two gunicorn instances share one PostgreSQL and one Redis, and keep nothing in their processes:

1. an editor logs in to the admin on instance A; the same session works on instance B;
2. B serves the home page (and caches it); the editor changes the "Get a free quote" block's title on A;
3. every worker of B shows the new title within SITE_VERSION_CHECK_SECONDS (the site version is in the shared
   database, and each process reads it at most that often);
4. the editor puts the title back through B, and A shows it.

    python bench/two_instances.py http://127.0.0.1:8001 http://127.0.0.1:8002 USERNAME PASSWORD [TOTP_KEY]

TOTP_KEY (hex) is the key of the user's authenticator when the admin asks for a one-time code.

Prints PASS or FAIL for each step; exits with status 1 when one fails.
"""

import hashlib
import hmac
import html
import os
import re
import secrets
import struct
import sys
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy

REPEAT = 20
# Each process reads the site version at most every SITE_VERSION_CHECK_SECONDS: an edit reaches every worker of
# every instance within that, plus a request's time.
BOUND = float(os.environ.get("SITE_VERSION_CHECK_SECONDS", "1")) + 0.5


def seen_within(reader, base, shows, limit=10):
    """Seconds until REPEAT pages in a row (every worker) of ``base`` show what ``shows`` wants; ``limit`` at most."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if all(shows(reader.get(f"{base}/")[1]) for _ in range(REPEAT)):
            return time.monotonic() - started
        time.sleep(0.05)
    return float("inf")


class Forms(HTMLParser):
    """The fields a browser would send for each form of a page (without the submit buttons)."""

    def __init__(self):
        super().__init__()
        self.forms, self.fields = [], None
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.fields = []
            self.forms.append(self.fields)
        if self.fields is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append([name, attrs.get("value", "on")])
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields.append([name, attrs.get("value") or ""])
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
            self.fields.append(self.textarea)
        elif tag == "select" and name:
            self.select, self.first_option, self.selected = name, None, False
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.fields.append([self.select, attrs.get("value", "")])
                self.selected = True

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            if not self.selected and self.first_option is not None:
                self.fields.append([self.select, self.first_option])  # what a browser sends
            self.select = None
        elif tag == "form":
            self.fields = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


class BehindProxyPolicy(DefaultCookiePolicy):
    # The instances are reached in plain HTTP as if through the TLS proxy: their cookies are "Secure".
    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A browser behind the TLS-terminating proxy: every request says it came over HTTPS, as nginx would."""

    def __init__(self, cookies=None):
        self.cookies = cookies if cookies is not None else CookieJar(BehindProxyPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.opener.addheaders = [("X-Forwarded-Proto", "https"), ("User-Agent", "bench/two_instances.py")]

    def get(self, url):
        with self.opener.open(url, timeout=15) as response:
            return response.geturl(), response.read().decode()

    def post(self, url, fields):
        data = urllib.parse.urlencode([(name, value) for name, value in fields]).encode()
        # Django checks the Referer of HTTPS form posts against the host.
        request = urllib.request.Request(url, data=data, headers={"Referer": url.replace("http://", "https://", 1)})
        with self.opener.open(request, timeout=15) as response:
            return response.geturl(), response.read().decode()

    def form(self, url, field):
        """The fields of the first form on the page at ``url`` that has ``field``."""
        return self.fields(self.get(url)[1], field)

    @staticmethod
    def fields(page, field):
        parser = Forms()
        parser.feed(page)
        return next(fields for fields in parser.forms if any(name == field for name, _ in fields))


# The block's title in the site's language: a field of its own per language (django-modeltranslation), the site's
# first (title_en_gb, then title_de, ...).
TITLE_FIELD = "title_" + os.environ.get("BENCH_SITE_LANGUAGE", "en-gb").replace("-", "_")


def totp(hex_key, step=30, digits=6):
    """The authenticator app's current code (RFC 6238, django-otp's defaults)."""
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", int(time.time()) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**digits:0{digits}d}"


def log_in(browser, base, username, password, totp_key):
    """Log in as a person would: with the one-time code too when the admin asks for it (django-otp)."""
    url, page = browser.get(f"{base}/admin/login/?next=/admin/")
    for _ in range(2):  # django-otp asks to choose the device once it knows the user
        fields = Browser.fields(page, "username")
        given = {"username": username, "password": password}
        if totp_key and any(name == "otp_token" for name, _ in fields):
            given["otp_token"] = totp(totp_key)
            device = re.search(r'<option value="([^"]+)">', page[page.find('name="otp_device"') :])
            if 'name="otp_device"' in page and device:
                given["otp_device"] = html.unescape(device.group(1))  # the user's one authenticator
        fields = [[name, value] for name, value in fields if name not in given] + [list(item) for item in given.items()]
        url, page = browser.post(f"{base}/admin/login/?next=/admin/", fields)
        if urllib.parse.urlsplit(url).path == "/admin/":
            return "logout" in page
    errors = re.findall(r'class="errornote">(.*?)</', page, re.DOTALL) or [url]
    print("      the admin said:", " ".join(" ".join(errors).split()))
    return False


def quote_block_url(browser, base):
    _, page = browser.get(f"{base}/admin/articles/siteblock/")
    links = re.findall(r'href="(/admin/articles/siteblock/\d+/change/)[^"]*">([^<]+)</a>', page)
    return next((f"{base}{href}" for href, text in links if "quote" in text.lower()), None)


def set_title(browser, change_url, title):
    fields = browser.form(change_url, TITLE_FIELD)
    fields = [[name, title if name == TITLE_FIELD else value] for name, value in fields]
    url, page = browser.post(change_url, fields + [["_save", "Save"]])
    return urllib.parse.urlsplit(url).path == "/admin/articles/siteblock/" and "errornote" not in page


def main(base_a, base_b, username, password, totp_key=""):
    results = []

    def check(label, passed):
        results.append(passed)
        print(f"{'PASS' if passed else 'FAIL'}  {label}")
        return passed

    editor = Browser()
    reader = Browser()
    if not check(f"editor logs in to the admin on A ({base_a})", log_in(editor, base_a, username, password, totp_key)):
        return 1
    url, page = Browser(editor.cookies).get(f"{base_b}/admin/")
    check(
        f"the same session is valid on B ({base_b}): sessions are not kept in a process",
        urllib.parse.urlsplit(url).path == "/admin/" and "logout" in page,
    )

    change_url = quote_block_url(editor, base_a)
    if not check("the quote call-to-action block is listed in the admin", change_url is not None):
        return 1
    original = dict(editor.form(change_url, TITLE_FIELD))[TITLE_FIELD]
    # Several requests, so that every worker process of an instance has answered (and cached) the page: a cache
    # kept in a process would show up as one of them still serving the old title.
    pages = [reader.get(f"{base_b}/")[1] for _ in range(REPEAT)]
    check("B serves the home page with the current title", all(html.escape(original) in page for page in pages))

    new_title = f"Free quote, checked across instances {secrets.token_hex(3)}"
    check("the editor changes the title through A", set_title(editor, change_url, new_title))
    seconds = seen_within(reader, base_b, lambda page: new_title in page)
    check(
        f"B shows the new title from every worker within {BOUND} s ({seconds:.2f} s): shared database and site version",
        seconds <= BOUND,
    )

    change_url_b = change_url.replace(base_a, base_b)
    [reader.get(f"{base_a}/") for _ in range(REPEAT)]
    check("the editor puts the title back through B", set_title(Browser(editor.cookies), change_url_b, original))
    seconds = seen_within(reader, base_a, lambda page: html.escape(original) in page and new_title not in page)
    check(f"A shows the original title again within {BOUND} s ({seconds:.2f} s)", seconds <= BOUND)
    print("two instances:", "PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
