"""Share links of an article: plain links to each service's own share page, so the page loads none of their scripts."""

from urllib.parse import quote, urlencode

from django.utils.translation import gettext_lazy as _


def share_links(url, title):
    """[(service, link)] for ``url`` with ``title``, every value URL-encoded."""

    def query(**params):
        return urlencode(params, quote_via=quote)

    message = f"{title}\n\n{url}"
    return [
        (_("E-mail"), f"mailto:?{query(subject=title, body=message)}"),
        ("X", f"https://x.com/intent/post?{query(url=url, text=title)}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{query(u=url)}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?{query(url=url)}"),
        ("WhatsApp", f"https://wa.me/?{query(text=f'{title} {url}')}"),
    ]
