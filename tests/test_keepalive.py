"""
nginx always closes an idle connection to gunicorn before gunicorn does (deploy/nginx.conf, gunicorn.conf.py):
otherwise a request nginx sends on a connection gunicorn is closing is lost, and a patient's POST to /quote/,
never sent again, becomes a 502. That happened to 4 to 12 of 500 POSTs when gunicorn closed idle connections
after 5 s and nginx kept them 60 s (its default).
"""

import http.client
import os
import re
import runpy
import time
import urllib.parse
from pathlib import Path

import pytest
from gunicorn.workers import gthread

from tests.live_site import live_site

ROOT = Path(__file__).resolve().parent.parent
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}


def nginx_block(start):
    """The text of the block opened by the line that starts with ``start`` (nested blocks included)."""
    opening = re.search(rf"^\s*{re.escape(start)}\s*\{{", NGINX, re.MULTILINE)
    depth, position = 1, opening.end()
    while depth:
        brace = re.compile(r"[{}]").search(NGINX, position)
        depth += 1 if brace[0] == "{" else -1
        position = brace.end()
    return NGINX[opening.end() : position - 1]


def directives(block, name):
    return [value for value in re.findall(rf"^\s*{name}\s+([^;]+);", block, re.MULTILINE)]


def seconds(value):
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", value.strip()).groups()
    return float(number) * UNITS[unit or "s"]


def gunicorn_settings():
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("GUNICORN_", "WEB_"))}
    saved, os.environ = os.environ, environment
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ = saved


def test_nginx_closes_idle_upstream_connections_before_gunicorn_does():
    upstream = nginx_block("upstream magazine_app")
    assert directives(upstream, "keepalive"), "the upstream keeps connections alive"
    (nginx_idle,) = map(seconds, directives(upstream, "keepalive_timeout"))  # nginx's default, 60 s, is too long
    config = gunicorn_settings()
    assert config["worker_class"] == "gthread"
    assert nginx_idle < config["keepalive"]
    # A stopping gthread worker (max requests, restart) keeps idle connections this long instead.
    linger = getattr(gthread, "STOP_KEEPALIVE_LINGER", 0)
    assert nginx_idle < linger, "gunicorn's stopping workers must not close kept connections before nginx does"


def test_a_patients_post_is_never_sent_twice():
    quote = nginx_block("location /quote/")
    assert directives(quote, "proxy_next_upstream") == ["off"]
    assert "proxy_next_upstream_tries" not in quote


@pytest.mark.processes
def test_gunicorn_keeps_an_idle_connection_past_nginxs_timeout_and_announces_a_recycled_workers_last_answer(
    tmp_path,
):
    nginx_idle = seconds(directives(nginx_block("upstream magazine_app"), "keepalive_timeout")[0])
    with live_site(tmp_path, workers=1, env={"GUNICORN_MAX_REQUESTS": "6"}) as site:
        address = urllib.parse.urlsplit(site.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        answers = []
        try:
            for n in range(6):
                if n == 1:
                    time.sleep(nginx_idle + 0.3)  # idle for longer than nginx would keep it
                connection.request("GET", "/robots.txt")
                sock = connection.sock
                response = connection.getresponse()
                response.read()
                answers.append((response.status, response.getheader("Connection", ""), sock))
                if response.getheader("Connection", "").lower() == "close":
                    break
        finally:
            connection.close()
        assert all(status == 200 for status, _, _ in answers)
        # Every answer came on the one connection, the one after the idle second included...
        assert len({id(sock) for _, _, sock in answers}) == 1
        # ...until the worker reached its maximum: that answer said so, and nginx would not reuse the connection.
        assert answers[-1][1].lower() == "close" and len(answers) <= 6
        assert site.get("/robots.txt")[0] == 200  # the new worker answers
