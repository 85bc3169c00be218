import pytest

from articles.sanitize import add_heading_anchors, clean_html, plain_text
from tests.conftest import make_article

# Real-world payloads (OWASP XSS filter evasion cheat sheet and friends).
XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<body onload=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"color:red\">styled</p>",
    "<object data=\"evil.swf\"></object><embed src=\"evil.swf\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=\"https://evil.example\"><input name=q><button>go</button></form>",
    "<details open ontoggle=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"https://evil.example/\">",
    "<<script>script>alert(1)<</script>/script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<style>@import 'https://evil.example/x.css';</style>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_neutralised(payload):
    cleaned = clean_html(payload).lower()
    for dangerous in ("<script", "javascript:", "onerror", "onload", "ontoggle", "<iframe", "style=", "<style",
                      "<svg", "<object", "<embed", "<form", "<input", "<meta", "<base", "data:text"):
        assert dangerous not in cleaned, (payload, cleaned)


def test_editorial_markup_survives():
    html = (
        "<h2>Section</h2><h3>Sub</h3><p><strong>b</strong> <em>i</em> <a href=\"https://example.org/x\">link</a></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quote</p></blockquote>"
        "<figure><img src=\"/media/editor/a.jpg\" alt=\"A scan\" width=\"600\" height=\"400\"><figcaption>Cap</figcaption></figure>"
        "<table><caption>Costs</caption><thead><tr><th scope=\"col\">Item</th></tr></thead>"
        "<tbody><tr><td colspan=\"2\">x</td></tr></tbody></table>"
    )
    cleaned = clean_html(html)
    for kept in ("<h2>Section</h2>", "<h3>Sub</h3>", "<strong>b</strong>", "<em>i</em>", 'href="https://example.org/x"',
                 "<ul><li>one</li></ul>", "<ol><li>two</li></ol>", "<blockquote>", "<figure>",
                 'src="/media/editor/a.jpg"', 'alt="A scan"', "<figcaption>Cap</figcaption>", "<caption>Costs</caption>",
                 '<th scope="col">Item</th>', '<td colspan="2">x</td>'):
        assert kept in cleaned


def test_script_content_is_dropped_not_shown_as_text():
    assert clean_html("<p>ok</p><script>var secret = 1</script>") == "<p>ok</p>"


def test_links_get_noopener():
    assert 'rel="noopener noreferrer"' in clean_html('<a href="https://example.org">x</a>')


def test_headings_get_unique_anchors_that_avoid_page_ids():
    html = add_heading_anchors("<h2>Costs &amp; fees</h2><p>a</p><h2>Costs &amp; fees</h2><h2>Main</h2><h2>  </h2>")
    assert '<h2 id="costs-fees">' in html
    assert '<h2 id="costs-fees-2">' in html
    assert '<h2 id="main-2">' in html
    assert '<h2 id="section">' in html


@pytest.mark.django_db
def test_article_body_is_sanitised_on_save():
    article = make_article(body='<h2 onclick="x()">Intro</h2><p>Hi<img src=x onerror=alert(1)></p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == '<h2 id="intro">Intro</h2><p>Hi<img src="x"></p>'


@pytest.mark.django_db
def test_site_block_body_is_sanitised_on_save():
    from articles.models import SiteBlock

    block, _ = SiteBlock.objects.update_or_create(
        kind=SiteBlock.Kind.DISCLAIMER, defaults={"body": '<p onmouseover="x()">Careful</p><iframe></iframe>'}
    )
    block.refresh_from_db()
    assert block.body == "<p>Careful</p>"


def test_the_plain_text_of_a_sanitised_body_keeps_its_words_apart():
    body = clean_html("<h2>Costs</h2><p>Stem <strong>cell</strong> therapy</p><ul><li>One</li><li>Two</li></ul>")
    assert plain_text(body).split() == ["Costs", "Stem", "cell", "therapy", "One", "Two"]
