"""
The external link checker of published articles (manage.py check_links): each address once, a bounded number
at a time, each with a time-out; HEAD first, GET when a server does not answer HEAD properly.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.db.models import Prefetch

from articles.models import Article, Reference

from .checks import own_hosts, parse_body

logger = logging.getLogger(__name__)

# Servers that refuse or do not implement HEAD (or answer it wrongly) are asked again with GET.
HEAD_REFUSED = {400, 403, 404, 405, 406, 409, 429, 500, 501, 502, 503}
MAX_REDIRECTS = 5


def external_links(article, hosts):
    """The http(s) addresses of other sites that ``article`` links to: its body's links and its references."""
    urls = []
    for link in parse_body(article.body).iter("a"):
        urls.append((link.get("href") or "").strip())
    urls.extend(reference.url for reference in article.references.all())
    found = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc and parts.netloc.lower() not in hosts and url not in found:
            found.append(url)
    return found


def published_article_links():
    """{article id: its external addresses} of every published article."""
    hosts = own_hosts()
    articles = (
        Article.objects.published()
        .only("pk", "body")
        .prefetch_related(Prefetch("references", queryset=Reference.objects.only("pk", "article_id", "url")))
        .order_by("pk")
    )
    return {article.pk: external_links(article, hosts) for article in articles.iterator(chunk_size=500)}


def make_pool(*, concurrency, timeout):
    return urllib3.PoolManager(
        num_pools=max(10, concurrency * 2),
        maxsize=concurrency,
        timeout=urllib3.Timeout(connect=timeout, read=timeout),
        retries=urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=MAX_REDIRECTS, raise_on_redirect=False),
        headers={"User-Agent": f"{settings.MAGAZINE_NAME} link checker (+{settings.SITE_URL})"},
    )


def check_url(pool, url):
    """(status, error) of one address: status None with the error when it could not be fetched; a status of
    400 or more is broken, and anything less works."""
    try:
        response = pool.request("HEAD", url, preload_content=False)
        status = response.status
        response.release_conn()
        if status < 400:
            return status, ""
        if status not in HEAD_REFUSED:
            return status, ""
    except urllib3.exceptions.HTTPError:
        pass  # some servers drop a HEAD request: try GET before calling the link broken
    try:
        response = pool.request("GET", url, preload_content=False)
        status = response.status
        response.read(1024, decode_content=False)  # the first bytes only: it answered
        response.release_conn()
        return status, ""
    except urllib3.exceptions.HTTPError as error:
        return None, describe(error)


def describe(error):
    reason = getattr(error, "reason", None) or error
    # NewConnectionError is a kind of ConnectTimeoutError in urllib3: asked first.
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        text = str(reason).lower()
        if "refused" in text:
            return "Connection refused."
        if "name" in text and ("resolution" in text or "not known" in text or "resolve" in text):
            return "The site's name does not exist (DNS)."
        return "Could not connect."
    if isinstance(reason, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return "No answer in time (timed out)."
    if isinstance(reason, urllib3.exceptions.SSLError):
        return "The site's HTTPS certificate or connection is broken."
    if isinstance(reason, urllib3.exceptions.ResponseError) or isinstance(error, urllib3.exceptions.MaxRetryError):
        if "redirect" in str(reason).lower():
            return f"More than {MAX_REDIRECTS} redirects."
    return str(reason)[:300]


def check_urls(urls, *, concurrency=8, timeout=10.0):
    """{url: (status, error)} of the broken ones among ``urls``, at most ``concurrency`` at a time."""
    pool = make_pool(concurrency=concurrency, timeout=timeout)
    broken = {}
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="check-links") as executor:
        for url, (status, error) in zip(urls, executor.map(lambda url: check_url(pool, url), urls)):
            if error or (status is not None and status >= 400):
                broken[url] = (status, error or f"HTTP {status}")
    pool.clear()
    return broken
